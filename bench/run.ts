/**
 * The performance benchmark (`npm run bench [-- --graphs wide100,mixed2000]`): on this machine,
 * with simulated steps of fixed latency, it measures Lockstep side by side with two floors on the
 * same graphs — Temporal's own (a minimal hand-written workflow, bench/floorWorkflow.ts, on the same
 * server in the same process) and a plain in-process DAG runner (bench/plainDagRunner.ts) — against
 * the critical-path lower bound; then the rollback path, history sizes against Temporal's limits,
 * where the time goes (bench/historyProfile.ts) and throughput. A full run writes bench/results.json
 * and the table in docs/PERFORMANCE.md (between the bench markers); a filtered run only prints.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer } from '../src/temporal/devServer';
import { temporalSettings } from '../src/temporal/connectionOptions';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createReleaseWorker } from '../workers/releaseWorker';
import { createActivities } from '../activities';
import { createTarget } from '../src/targets/createTarget';
import { createProbe } from '../src/probes/createProbe';
import { createLogger } from '../src/logging/logger';
import { parseManifestText } from '../src/manifest/loadManifest';
import { startRelease } from '../src/release/startRelease';
import type { ReleaseReport } from '../src/release/releaseReport';
import { chain, layered, mixed, depth, deepestService, type GraphNode } from './benchGraphs';
import { createFloorWorker } from './floorWorker';
import type { FloorInput } from './floorWorkflow';
import { runPlainDag } from './plainDagRunner';
import { profileHistory, type HistoryProfile } from './historyProfile';

const DEPLOY_MS = 300;
const PROBE_MS = 100;
const MAX_PARALLEL = 500;
const ROOT = join(__dirname, '..');
const FLOOR_QUEUE = 'bench-floor';
/** A workflow task retried this often will not succeed on its own: the run is reported as stuck. */
const STUCK_ATTEMPTS = 4;
/** Temporal's per-execution history limits (server defaults: limit.historyCount.*, limit.historySize.*). */
const HISTORY_LIMITS = { warnEvents: 10_240, failEvents: 51_200, warnBytes: 10 * 2 ** 20, failBytes: 50 * 2 ** 20 };

interface GraphCase {
  key: string;
  shape: string;
  nodes: () => GraphNode[];
  /** The one-after-the-other script: only where it stays short enough to wait for. */
  sequential: boolean;
  /** Where the time goes, from the histories (and the floor once more with eager dispatch off). */
  profile: boolean;
  /** Runs of the floor and of Lockstep's release, alternating; the median run is reported. */
  repeats: number;
}

const GRAPHS: GraphCase[] = [
  { key: 'chain20', shape: 'chain of 20', nodes: () => chain(20), sequential: true, profile: false, repeats: 3 },
  { key: 'wide100', shape: 'wide: 100 in 5 layers', nodes: () => layered(5, 20), sequential: true, profile: true, repeats: 3 },
  { key: 'mixed500', shape: 'mixed: 500', nodes: () => mixed(500), sequential: true, profile: false, repeats: 3 },
  { key: 'mixed2000', shape: 'mixed: 2000 (manifest maximum)', nodes: () => mixed(2000), sequential: false, profile: false, repeats: 1 },
];

interface Run {
  /** Succeeded, RolledBack, …, or `failed` / `unfinished` with `error` saying why. */
  status: string;
  error?: string;
  wallMs: number;
  events: number;
  bytes: number;
  history: History;
  /** What a release returned (the floor returns a count). */
  report?: ReleaseReport;
}

interface GraphResult {
  key: string;
  shape: string;
  services: number;
  depth: number;
  criticalPathMs: number;
  lockstep: { status: string; error?: string; wallMs: number; efficiency: number };
  temporalFloor: { wallMs: number; efficiency: number };
  plainRunner: { wallMs: number; efficiency: number };
  /** (Lockstep − Temporal floor) / Temporal floor, in percent. */
  lockstepOverFloorPct: number;
  /** Every run's wall time; the figures above are the median run's. */
  runs: { lockstepMs: number[]; temporalFloorMs: number[] };
  sequentialMs?: number;
  speedupVsSequential?: number;
  failure: {
    status: string;
    error?: string;
    failureToFirstCompensationMs: number;
    rollbackWallMs: number;
    rollbackCriticalPathMs: number;
    rollbackEfficiency: number;
  };
  history: { successEvents: number; successBytes: number; rollbackEvents: number; rollbackBytes: number; floorEvents: number; floorBytes: number };
  profile: { lockstep: HistoryProfile; temporalFloor: HistoryProfile; temporalFloorNoEager?: HistoryProfile & { wallMs: number } };
}

/** One release at a time per environment: releases meant to run at once get environments of their own. */
function manifest(id: string, nodes: GraphNode[], latencyMs: number, probeMs: number, failProbeOf?: string, environment = 'bench'): string {
  return JSON.stringify({
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id, environment },
    spec: {
      maxParallel: MAX_PARALLEL,
      retries: { deployAttempts: 1, rollbackAttempts: 3, initialInterval: '100ms' },
      services: nodes.map((n) => ({
        name: n.name,
        version: id,
        dependsOn: n.dependsOn,
        target: { kind: 'simulated', latency: `${latencyMs}ms`, initialVersion: 'v0' },
        health: { simulated: { latency: `${probeMs}ms`, fail: n.name === failProbeOf }, successThreshold: 1, interval: '10ms', timeout: `${probeMs * 2 + 100}ms` },
      })),
    },
  });
}

/** What most pipelines do: each service deployed and checked one after the other. */
async function sequentialScript(nodes: GraphNode[]): Promise<number> {
  const started = performance.now();
  for (const _ of nodes) {
    await sleep(DEPLOY_MS); // deploy
    await sleep(PROBE_MS); // health check
  }
  return performance.now() - started;
}

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const eventMs = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** From the server's own event times: the first failed activity to the first compensation activity starting. */
function failureToCompensation(history: History): number | undefined {
  const events = history.events ?? [];
  const failed = events.find((e) => e.activityTaskFailedEventAttributes);
  const scheduledRollbacks = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'restoreVersion').map((e) => Number(e.eventId)),
  );
  const started = events
    .filter((e) => e.activityTaskStartedEventAttributes && scheduledRollbacks.has(Number(e.activityTaskStartedEventAttributes.scheduledEventId)))
    .map(eventMs);
  if (!failed || started.length === 0) return undefined;
  return Math.round(Math.min(...started) - eventMs(failed));
}

/** Why an execution did not finish, from its history: failed and timed-out workflow tasks, termination, failure. */
function whyUnfinished(history: History): string {
  const reasons: string[] = [];
  const taskFailures = new Map<string, number>();
  let timedOut = 0;
  let longestMs = 0;
  const startedAt = new Map<number, number>();
  for (const e of history.events ?? []) {
    if (e.workflowTaskStartedEventAttributes) startedAt.set(Number(e.eventId), eventMs(e));
    const done = e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes;
    const began = done ? startedAt.get(Number(done.startedEventId)) : undefined;
    if (began !== undefined) longestMs = Math.max(longestMs, eventMs(e) - began);
    if (e.workflowTaskTimedOutEventAttributes) timedOut++;
    const wtf = e.workflowTaskFailedEventAttributes;
    if (wtf) {
      const cause = temporal.api.enums.v1.WorkflowTaskFailedCause[wtf.cause ?? 0] ?? String(wtf.cause);
      // the server fails the workflow task in flight when the bench terminates the execution
      const text = cause.endsWith('FORCE_CLOSE_COMMAND') ? `workflow task failed (${cause}: the bench's termination)` : `workflow task failed (${cause}): ${wtf.failure?.message ?? ''}`.slice(0, 400);
      taskFailures.set(text, (taskFailures.get(text) ?? 0) + 1);
    }
    if (e.workflowExecutionTerminatedEventAttributes) reasons.push(`terminated: ${e.workflowExecutionTerminatedEventAttributes.reason ?? ''}`);
    if (e.workflowExecutionFailedEventAttributes) reasons.push(`failed: ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`);
  }
  for (const [text, count] of taskFailures) reasons.unshift(`${text} (×${count})`);
  if (timedOut > 0) reasons.unshift(`${timedOut} workflow task(s) timed out (longest workflow task ${Math.round(longestMs / 1000)} s; the workflow task timeout is 10 s)`);
  return reasons.join('; ') || 'no failure recorded in the history';
}

/**
 * The SDK's own warnings and errors (payload limits, slow or lost workflow tasks), printed and kept
 * so that a run that does not finish can say what the worker saw.
 */
const sdkNotes: string[] = [];
function sdkLogger(): DefaultLogger {
  return new DefaultLogger('WARN', ({ level, message, meta }) => {
    const detail = meta && Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
    // an activity failing is what the rollback runs inject: not news
    if (!message.startsWith('Activity ')) sdkNotes.push(`${level} ${message}${detail.slice(0, 400)}`);
    console.error(`[sdk ${level}] ${message}${detail}`);
  });
}

/** The distinct SDK notes since `from`, with counts, the numbers in them kept (sizes, limits, durations). */
function sdkNotesSince(from: number): string {
  const counts = new Map<string, number>();
  for (const note of sdkNotes.slice(from)) {
    const key = note.replace(/"?(run_id|event_id|attempt|workflow_task_duration|workflow_history_size)"?[=:]"?[\w-]+"?,?/g, '').slice(0, 500);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}${n > 1 ? ` (×${n})` : ''}`).join(' | ');
}

function vmHwmKiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function parseArgs(argv: string[]): { graphs: GraphCase[]; throughput: boolean; filtered: boolean } {
  const at = argv.indexOf('--graphs');
  const known = [...GRAPHS.map((g) => g.key), 'throughput'];
  if (argv.includes('--help')) {
    console.log(`usage: npm run bench [-- --graphs <${known.join(',')}>]\n  a filtered run prints its table and writes nothing`);
    process.exit(0);
  }
  const unknownFlag = argv.find((a, i) => a.startsWith('-') && a !== '--graphs' && i !== at + 1);
  if (unknownFlag) throw new Error(`unknown option ${unknownFlag}; use --graphs <${known.join(',')}>`);
  if (at < 0) return { graphs: GRAPHS, throughput: true, filtered: false };
  const wanted = (argv[at + 1] ?? '').split(',').filter(Boolean);
  if (wanted.length === 0) throw new Error(`--graphs needs a comma-separated list of: ${known.join(', ')}`);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) throw new Error(`--graphs: unknown graph ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return { graphs: GRAPHS.filter((g) => wanted.includes(g.key)), throughput: wanted.includes('throughput'), filtered: true };
}

async function main(): Promise<void> {
  const { graphs, throughput: measureThroughput, filtered } = parseArgs(process.argv.slice(2));
  const cases = graphs.map((g) => ({ ...g, graph: g.nodes() }));

  // The plain DAG runners first, all at once, with nothing else in the process (timers only).
  const plain = await Promise.all(cases.map((c) => runPlainDag(c.graph, { maxParallel: MAX_PARALLEL, deployMs: DEPLOY_MS, probeMs: PROBE_MS })));
  // The sequential baselines are only timers too: run them alongside the rest, they cost no CPU.
  const sequential = cases.map((c) => (c.sequential ? sequentialScript(c.graph) : Promise.resolve(undefined)));

  // The SDK's own logs at the level the production worker uses (workers/main.ts): WARN.
  Runtime.install({ logger: sdkLogger(), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } } });
  const server = await startDevServer({ headless: true });
  const logger = createLogger({ component: 'bench' });
  logger.level = 'error';
  const settings = temporalSettings({ address: server.address, namespace: server.namespace, taskQueue: 'bench' });
  const activities = createActivities({
    targetFor: (spec) => createTarget(spec),
    probeFor: (health, baseDir, check) => createProbe(health, baseDir, check),
    logger,
  });
  const { worker, connection } = await createReleaseWorker({ settings, logger, activities, maxConcurrentActivityTaskExecutions: 1000 });
  const floorWorker = await createFloorWorker({ connection, namespace: server.namespace, taskQueue: FLOOR_QUEUE });
  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace });

  /**
   * Waits for the execution to close, at most `deadlineMs`, or until its workflow task has been retried
   * STUCK_ATTEMPTS times (it will not get further); then says why and terminates it.
   */
  const settle = async (handle: WorkflowHandle, t0: number, deadlineMs: number): Promise<Run> => {
    const notesFrom = sdkNotes.length;
    const result: Promise<{ status: string; error?: string; report?: ReleaseReport }> = handle.result().then(
      (value: unknown) => ({ status: String((value as { status?: unknown })?.status ?? 'Completed'), report: value as ReleaseReport }),
      (err: unknown) => ({ status: 'failed', error: String((err as { cause?: { message?: string } })?.cause?.message ?? err) }),
    );
    let outcome: { status: string; error?: string; report?: ReleaseReport } | undefined;
    let why = '';
    while (!outcome) {
      outcome = await Promise.race([result, sleep(5_000).then(() => undefined)]);
      if (outcome) break;
      const attempt = (await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0;
      if (attempt >= STUCK_ATTEMPTS) why = `its workflow task is at attempt ${attempt} (the execution retries it instead of going on)`;
      else if (performance.now() - t0 > deadlineMs) why = `not closed after ${Math.round(deadlineMs / 1000)} s`;
      if (why) outcome = { status: 'unfinished' };
    }
    const wallMs = performance.now() - t0;
    let history = await handle.fetchHistory();
    if (outcome.status === 'unfinished') {
      await handle.terminate(`bench: ${why}`).catch(() => undefined);
      history = await handle.fetchHistory();
      outcome.error = `gave up after ${Math.round(wallMs / 1000)} s, ${why}: ${whyUnfinished(history)}`;
    } else if (outcome.status === 'failed') {
      outcome.error = `${outcome.error}; ${whyUnfinished(history)}`;
    }
    const failures = outcome.report?.rollbackFailures ?? [];
    if (failures.length > 0) {
      const shown = failures.slice(0, 3).map((f) => `${f.service} ${f.step}: ${f.message}`.slice(0, 300));
      outcome.error = `${failures.length} rollback failure(s): ${shown.join(' | ')}${failures.length > 3 ? ' | …' : ''}`;
    }
    if (outcome.error) {
      const notes = sdkNotesSince(notesFrom);
      if (notes) outcome.error += `; the worker logged: ${notes}`;
    }
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    return { ...outcome, wallMs, events: history.events?.length ?? 0, bytes, history };
  };
  const deadlineFor = (nodes: GraphNode[]) => Math.max(120_000, 4 * depth(nodes) * (DEPLOY_MS + PROBE_MS));

  const runLockstep = async (id: string, text: string, deadlineMs: number): Promise<Run> => {
    const loaded = parseManifestText(text, join(ROOT, 'bench', `${id}.json`));
    const t0 = performance.now();
    try {
      const { handle } = await startRelease(client, loaded, settings.taskQueue);
      return await settle(handle, t0, deadlineMs);
    } catch (err) {
      return { status: 'failed', error: `could not start: ${String(err)}`, wallMs: performance.now() - t0, events: 0, bytes: 0, history: {} };
    }
  };
  const runFloor = async (id: string, nodes: GraphNode[], eager: boolean, deadlineMs: number): Promise<Run> => {
    const input: FloorInput = { services: nodes, maxParallel: MAX_PARALLEL, deployMs: DEPLOY_MS, probeMs: PROBE_MS, eager };
    const t0 = performance.now();
    const handle = await client.workflow.start('floorRelease', { taskQueue: FLOOR_QUEUE, workflowId: id, args: [input] });
    return settle(handle, t0, deadlineMs);
  };

  const results: GraphResult[] = [];
  let throughput: Record<string, number> | undefined;
  const runId = Date.now().toString(36);
  await worker.runUntil(() =>
    floorWorker.runUntil(async () => {
      // warm-up: bundles loaded, connections open, caches filled
      await runLockstep(`warmup-${runId}`, manifest(`warmup-${runId}`, chain(3), 10, 10), 60_000);
      await runFloor(`floor-warmup-${runId}`, chain(3), true, 60_000);
      if (measureThroughput) {
        // Throughput first: what a long graph leaves behind (a stuck release's replays) cannot slow it down.
        // Throughput: releases of 10 services with zero-latency steps, 10 at a time, for a fixed count.
        const releases = 60;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        let next = 0;
        const lane = async (_: unknown, laneNo: number) => {
          while (next < releases) {
            const n = next++;
            const r = await runLockstep(`tp-${n}-${runId}`, manifest(`tp-${n}-${runId}`, layered(2, 5, `t${n}-`), 0, 0, undefined, `bench-lane-${laneNo}`), 60_000);
            if (r.status !== 'Succeeded') throw new Error(`throughput release ${n}: ${r.status} ${r.error ?? ''}`);
          }
        };
        await Promise.all(Array.from({ length: 10 }, lane));
        const elapsed = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        throughput = {
          releases,
          servicesPerRelease: 10,
          wallMs: Math.round(elapsed),
          releasesPerMinute: round((releases / elapsed) * 60_000, 1),
          cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
          peakRssMiB: Math.round(vmHwmKiB() / 1024),
        };
      }
      for (const [i, c] of cases.entries()) {
        const nodes = c.graph;
        const d = depth(nodes);
        const deadline = deadlineFor(nodes);
        const criticalPathMs = d * (DEPLOY_MS + PROBE_MS);
        // Floor and Lockstep alternate, so that a burst of other work on the machine hits both alike.
        const floors: Run[] = [];
        const oks: Run[] = [];
        for (let k = 0; k < c.repeats; k++) {
          const floorRun = await runFloor(`floor-${c.key}-${k}-${runId}`, nodes, true, deadline);
          if (floorRun.status !== 'Completed') throw new Error(`${c.shape}: the Temporal floor did not complete: ${floorRun.error}`);
          floors.push(floorRun);
          const okId = `ok-${i}-${k}-${runId}`;
          oks.push(await runLockstep(okId, manifest(okId, nodes, DEPLOY_MS, PROBE_MS), deadline));
        }
        const floor = median(floors);
        const ok = oks.find((r) => r.status !== 'Succeeded') ?? median(oks);
        // the deploy runs to the deepest service, then everything rolls back: twice the work of a success
        const rb = await runLockstep(`rb-${i}-${runId}`, manifest(`rb-${i}-${runId}`, nodes, DEPLOY_MS, PROBE_MS, deepestService(nodes)), 2 * deadline);
        const rollbackCriticalPathMs = d * DEPLOY_MS + PROBE_MS; // compensations along the deepest path, then one re-probe
        const rollbackWallMs = rb.status === 'RolledBack' ? (rb.report?.totals.rollbackMs ?? 0) : 0;
        const result: Omit<GraphResult, 'profile'> & Partial<Pick<GraphResult, 'profile'>> = {
          key: c.key,
          shape: c.shape,
          services: nodes.length,
          depth: d,
          criticalPathMs,
          lockstep: { status: ok.status, ...(ok.error ? { error: ok.error } : {}), wallMs: Math.round(ok.wallMs), efficiency: ok.status === 'Succeeded' ? round(criticalPathMs / ok.wallMs) : 0 },
          temporalFloor: { wallMs: Math.round(floor.wallMs), efficiency: round(criticalPathMs / floor.wallMs) },
          plainRunner: { wallMs: Math.round(plain[i]!), efficiency: round(criticalPathMs / plain[i]!) },
          lockstepOverFloorPct: ok.status === 'Succeeded' ? round(((ok.wallMs - floor.wallMs) / floor.wallMs) * 100, 1) : NaN,
          failure: {
            status: rb.status,
            ...(rb.error ? { error: rb.error } : {}),
            failureToFirstCompensationMs: failureToCompensation(rb.history) ?? -1,
            rollbackWallMs,
            rollbackCriticalPathMs,
            rollbackEfficiency: rollbackWallMs > 0 ? round(rollbackCriticalPathMs / rollbackWallMs) : 0,
          },
          runs: { lockstepMs: oks.map((r) => Math.round(r.wallMs)), temporalFloorMs: floors.map((r) => Math.round(r.wallMs)) },
          history: { successEvents: ok.events, successBytes: ok.bytes, rollbackEvents: rb.events, rollbackBytes: rb.bytes, floorEvents: floor.events, floorBytes: floor.bytes },
        };
        const lockstepSteps = { services: nodes, deployType: 'deployVersion', probeType: 'probeHealth', deployMs: DEPLOY_MS, probeMs: PROBE_MS };
        const floorSteps = { ...lockstepSteps, deployType: 'floorDeploy', probeType: 'floorProbe' };
        result.profile = {
          lockstep: profileHistory(ok.history.events ?? [], lockstepSteps),
          temporalFloor: profileHistory(floor.history.events ?? [], floorSteps),
        };
        if (c.profile) {
          const noEager = await runFloor(`floor-noeager-${c.key}-${runId}`, nodes, false, deadline);
          result.profile.temporalFloorNoEager = { ...profileHistory(noEager.history.events ?? [], floorSteps), wallMs: Math.round(noEager.wallMs) };
        }
        results.push(result as GraphResult);
        console.error(`measured ${c.shape}: Lockstep ${ok.status} ${Math.round(ok.wallMs)} ms, floor ${Math.round(floor.wallMs)} ms, rollback ${rb.status}${ok.error ?? rb.error ? ` (${ok.error ?? rb.error})` : ''}`);
      }

    }),
  );

  const seq = await Promise.all(sequential);
  results.forEach((r, i) => {
    const s = seq[i];
    if (s === undefined) return;
    r.sequentialMs = Math.round(s);
    if (r.lockstep.status === 'Succeeded') r.speedupVsSequential = round(s / r.lockstep.wallMs, 1);
  });
  await client.connection.close();
  await connection.close();
  await server.stop();

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Temporal CLI dev server (SQLite in memory)`;
  const output = { date: new Date().toISOString(), machine, latencies: { deployMs: DEPLOY_MS, probeMs: PROBE_MS }, maxParallel: MAX_PARALLEL, historyLimits: HISTORY_LIMITS, graphs: results, throughput, peakRssMiB: Math.round(vmHwmKiB() / 1024) };
  const table = renderTable(output);
  console.log(table);
  if (filtered) {
    console.error('a filtered run (--graphs): bench/results.json and docs/PERFORMANCE.md left as they were');
    return;
  }
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
  writePerformanceDoc(table);
}

/** The run of median wall time (the upper one of two). */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function renderTable(out: { date: string; machine: string; graphs: GraphResult[]; throughput?: Record<string, number>; peakRssMiB: number }): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const kib = (b: number) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${Math.round(b / 1024)} KiB`);
  const lockstepCell = (r: GraphResult) => (r.lockstep.status === 'Succeeded' ? s(r.lockstep.wallMs) : `**${r.lockstep.status}** after ${s(r.lockstep.wallMs)}`);
  const limitCell = (events: number, bytes: number) => {
    const share = `${events} (${Math.round((events / HISTORY_LIMITS.failEvents) * 100)} % of ${HISTORY_LIMITS.failEvents})`;
    const flag = events >= HISTORY_LIMITS.failEvents || bytes >= HISTORY_LIMITS.failBytes ? ' **over the limit**' : events >= HISTORY_LIMITS.warnEvents || bytes >= HISTORY_LIMITS.warnBytes ? ' *above the warning*' : '';
    return `${share}, ${kib(bytes)}${flag}`;
  };
  const errors = out.graphs.flatMap((r) => [
    ...(r.lockstep.error ? [`- ${r.shape}, release: ${r.lockstep.status}: ${r.lockstep.error}`] : []),
    ...(r.failure.error ? [`- ${r.shape}, release with a failure injected: ${r.failure.status}: ${r.failure.error}`] : []),
  ]);
  const profiled = out.graphs.filter((r) => r.profile.temporalFloorNoEager);
  const lines = [
    `Measured ${out.date} on ${out.machine}; simulated deploy ${DEPLOY_MS} ms, probe ${PROBE_MS} ms; maxParallel ${MAX_PARALLEL}. Floor and Lockstep ran alternately (runs: how many times each); the median run is shown. The machine was shared with other work while it ran.`,
    '',
    '| graph | services | depth | critical path | Lockstep | efficiency | Temporal floor | efficiency | plain DAG runner | efficiency | Lockstep over the Temporal floor | runs | sequential script | speed-up |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...out.graphs.map(
      (r) =>
        `| ${r.shape} | ${r.services} | ${r.depth} | ${s(r.criticalPathMs)} | ${lockstepCell(r)} | ${r.lockstep.efficiency || '—'} | ${s(r.temporalFloor.wallMs)} | ${r.temporalFloor.efficiency} | ${s(r.plainRunner.wallMs)} | ${r.plainRunner.efficiency} | ${Number.isNaN(r.lockstepOverFloorPct) ? '—' : `${r.lockstepOverFloorPct >= 0 ? '+' : ''}${r.lockstepOverFloorPct} %`} | ${r.runs.lockstepMs.length} | ${r.sequentialMs !== undefined ? s(r.sequentialMs) : '—'} | ${r.speedupVsSequential !== undefined ? `${r.speedupVsSequential}×` : '—'} |`,
    ),
    '',
    "| graph (failure injected at the deepest service's probe) | outcome | failure → first compensation | rollback | rollback critical path | rollback efficiency |",
    '|---|---|---|---|---|---|',
    ...out.graphs.map(
      (r) =>
        `| ${r.shape} | ${r.failure.status} | ${r.failure.failureToFirstCompensationMs >= 0 ? `${r.failure.failureToFirstCompensationMs} ms` : '—'} | ${r.failure.rollbackWallMs ? s(r.failure.rollbackWallMs) : '—'} | ${s(r.failure.rollbackCriticalPathMs)} | ${r.failure.rollbackEfficiency || '—'} |`,
    ),
    '',
    `| graph | history, success: events (share of the ${HISTORY_LIMITS.failEvents}-event limit), size | history, full rollback | history, Temporal floor |`,
    '|---|---|---|---|',
    ...out.graphs.map(
      (r) =>
        `| ${r.shape} | ${limitCell(r.history.successEvents, r.history.successBytes)} | ${limitCell(r.history.rollbackEvents, r.history.rollbackBytes)} | ${limitCell(r.history.floorEvents, r.history.floorBytes)} |`,
    ),
    '',
    `Temporal's limits per execution: warning at ${HISTORY_LIMITS.warnEvents} events or 10 MiB, failure at ${HISTORY_LIMITS.failEvents} events or 50 MiB.`,
    ...(errors.length > 0 ? ['', 'Runs that did not end as expected:', ...errors] : []),
  ];
  const pair = (f: (h: HistoryProfile) => number, unit = '') => (r: GraphResult) => `${f(r.profile.lockstep)}${unit} / ${f(r.profile.temporalFloor)}${unit}`;
  const columns: [string, (r: GraphResult) => string][] = [
    ['workflow tasks per service', pair((h) => h.workflowTasksPerService)],
    ['workflow task started → completed', pair((h) => h.workflowTaskRunMs, ' ms')],
    ['workflow tasks, total busy', pair((h) => Math.round(h.workflowTaskBusyMs / 100) / 10, ' s')],
    ['start → first deploy', pair((h) => h.startToFirstDeployMs, ' ms')],
    ["dependencies' probe → deploy", pair((h) => h.dependenciesToDeployMs, ' ms')],
    ['deploy → probe', pair((h) => h.deployToProbeMs, ' ms')],
    ['eager', pair((h) => Math.round(h.eagerShare * 100), ' %')],
  ];
  lines.push(
    '',
    'Lockstep / Temporal floor, from the histories of the runs above (means per service or per step):',
    '',
    `| graph | ${columns.map(([c]) => c).join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...out.graphs.map((r) => `| ${r.shape} | ${columns.map(([, f]) => f(r)).join(' | ')} |`),
  );
  for (const r of profiled) {
    const p = { ...r.profile, temporalFloorNoEager: r.profile.temporalFloorNoEager! };
    const row = (label: string, f: (h: HistoryProfile) => string | number) => `| ${label} | ${f(p.lockstep)} | ${f(p.temporalFloor)} | ${f(p.temporalFloorNoEager)} |`;
    lines.push(
      '',
      `Where the time goes on "${r.shape}" (from the histories' event times; means per service or per step):`,
      '',
      `| | Lockstep | Temporal floor | Temporal floor, eager dispatch off (${s(p.temporalFloorNoEager.wallMs)}) |`,
      '|---|---|---|---|',
      row('history events', (h) => h.events),
      row('workflow tasks (WorkflowTaskCompleted)', (h) => h.workflowTasks),
      row('workflow tasks per service', (h) => h.workflowTasksPerService),
      row('activities per service', (h) => h.activitiesPerService),
      row('activities by type', (h) => Object.entries(h.activitiesByType).map(([k, v]) => `${k} ${v}`).join(', ')),
      row('activities started ≤ 1 ms after scheduling (eager)', (h) => `${Math.round(h.eagerShare * 100)} %`),
      row('workflow task: scheduled → started', (h) => `${h.workflowTaskQueueMs} ms`),
      row('workflow task: started → completed', (h) => `${h.workflowTaskRunMs} ms`),
      row('workflow tasks, total busy time', (h) => `${h.workflowTaskBusyMs} ms`),
      row('start → first deploy scheduled', (h) => `${h.startToFirstDeployMs} ms`),
      row("dependencies' last probe done → deploy scheduled", (h) => `${h.dependenciesToDeployMs} ms`),
      row('deploy done → probe scheduled', (h) => `${h.deployToProbeMs} ms`),
      row('activity scheduled → started', (h) => `${h.dispatchMs} ms`),
      row('activity run beyond its latency', (h) => `${h.stepOverrunMs} ms`),
      row('last probe done → execution closed', (h) => `${h.lastProbeToCloseMs} ms`),
    );
  }
  const t = out.throughput;
  if (t) {
    lines.push(
      '',
      `Throughput: ${t.releases} releases of ${t.servicesPerRelease} services (zero-latency steps, 10 at a time) in ${s(t.wallMs ?? 0)}: **${t.releasesPerMinute} releases/minute**; CPU ${t.cpuSeconds} s (worker, client and driver share one process); peak RSS ${t.peakRssMiB} MiB (${out.peakRssMiB} MiB by the end of the bench).`,
    );
  }
  return lines.join('\n');
}

function writePerformanceDoc(table: string): void {
  const file = join(ROOT, 'docs', 'PERFORMANCE.md');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : `# Performance\n\n${begin}\n${end}\n`;
  const at = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (at < 0 || stop < 0) return;
  writeFileSync(file, `${doc.slice(0, at + begin.length)}\n${table}\n${doc.slice(stop)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
