/**
 * The performance benchmark (`npm run bench`): on this machine, with simulated steps of fixed
 * latency, it measures Lockstep against the critical-path lower bound and against a plain
 * sequential script, the rollback path, history sizes and throughput. Writes bench/results.json
 * and the table in docs/PERFORMANCE.md (between the bench markers).
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer } from '../src/temporal/devServer';
import { temporalSettings } from '../src/temporal/connectionOptions';
import { createReleaseWorker } from '../workers/releaseWorker';
import { createActivities } from '../activities';
import { createTarget } from '../src/targets/createTarget';
import { createProbe } from '../src/probes/createProbe';
import { createLogger } from '../src/logging/logger';
import { parseManifestText } from '../src/manifest/loadManifest';
import { startRelease } from '../src/release/startRelease';
import type { ReleaseReport } from '../src/release/releaseReport';
import { chain, layered, mixed, depth, deepestService, type GraphNode } from './benchGraphs';

const DEPLOY_MS = 300;
const PROBE_MS = 100;
const ROOT = join(__dirname, '..');

interface ShapeResult {
  shape: string;
  services: number;
  depth: number;
  wallMs: number;
  criticalPathMs: number;
  efficiency: number;
  sequentialMs: number;
  speedupVsSequential: number;
  overheadPerStepMs: number;
  failure: {
    status: string;
    failureToFirstCompensationMs: number;
    rollbackWallMs: number;
    rollbackCriticalPathMs: number;
    rollbackEfficiency: number;
  };
  history: { successEvents: number; successBytes: number; rollbackEvents: number; rollbackBytes: number };
}

/** One release at a time per environment: releases meant to run at once get environments of their own. */
function manifest(id: string, nodes: GraphNode[], latencyMs: number, probeMs: number, failProbeOf?: string, environment = 'bench'): string {
  return JSON.stringify({
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id, environment },
    spec: {
      maxParallel: 500,
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

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

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

function vmHwmKiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const shapes: [string, GraphNode[]][] = [
    ['chain of 20', chain(20)],
    ['wide: 100 in 5 layers', layered(5, 20)],
    ['mixed: 500', mixed(500)],
  ].filter(([name]) => !only || (name as string).startsWith(only)) as [string, GraphNode[]][];

  // The sequential baselines are only timers: run them alongside, they cost no CPU.
  const sequential = shapes.map(([, nodes]) => sequentialScript(nodes));

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
  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace });
  const run = async (
    id: string,
    text: string,
  ): Promise<{ report: ReleaseReport; wallMs: number; events: number; bytes: number; failureToCompensationMs?: number }> => {
    const loaded = parseManifestText(text, join(ROOT, 'bench', `${id}.json`));
    const t0 = performance.now();
    const { handle } = await startRelease(client, loaded, settings.taskQueue);
    const report = await handle.result();
    const wallMs = performance.now() - t0;
    const history = await handle.fetchHistory();
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    return { report, wallMs, events: history.events?.length ?? 0, bytes, failureToCompensationMs: failureToCompensation(history) };
  };

  const results: ShapeResult[] = [];
  const runId = Date.now().toString(36);
  await worker.runUntil(async () => {
    // warm-up: bundle loaded, connections open, caches filled
    await run(`warmup-${runId}`, manifest(`warmup-${runId}`, chain(3), 10, 10));
    for (const [i, [shape, nodes]] of shapes.entries()) {
      const d = depth(nodes);
      const ok = await run(`ok-${i}-${runId}`, manifest(`ok-${i}-${runId}`, nodes, DEPLOY_MS, PROBE_MS));
      if (ok.report.status !== 'Succeeded') throw new Error(`${shape}: expected Succeeded, got ${ok.report.status}`);
      const criticalPathMs = d * (DEPLOY_MS + PROBE_MS);
      const failing = deepestService(nodes);
      const rb = await run(`rb-${i}-${runId}`, manifest(`rb-${i}-${runId}`, nodes, DEPLOY_MS, PROBE_MS, failing));
      if (rb.report.status !== 'RolledBack') throw new Error(`${shape}: expected RolledBack, got ${rb.report.status}`);
      const rollbackCriticalPathMs = d * DEPLOY_MS + PROBE_MS; // compensations along the deepest path, then one re-probe
      const rollbackWallMs = rb.report.totals.rollbackMs ?? 0;
      results.push({
        shape,
        services: nodes.length,
        depth: d,
        wallMs: Math.round(ok.wallMs),
        criticalPathMs,
        efficiency: round(criticalPathMs / ok.wallMs),
        sequentialMs: 0,
        speedupVsSequential: 0,
        overheadPerStepMs: round((ok.wallMs - criticalPathMs) / (d * 3), 1),
        failure: {
          status: rb.report.status,
          failureToFirstCompensationMs: rb.failureToCompensationMs ?? -1,
          rollbackWallMs,
          rollbackCriticalPathMs,
          rollbackEfficiency: round(rollbackCriticalPathMs / rollbackWallMs),
        },
        history: { successEvents: ok.events, successBytes: ok.bytes, rollbackEvents: rb.events, rollbackBytes: rb.bytes },
      });
      console.error(`measured ${shape}`);
    }

    // Throughput: releases of 10 services with zero-latency steps, 10 at a time, for a fixed count.
    const releases = 60;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    const lane = async (_: unknown, laneNo: number) => {
      while (next < releases) {
        const n = next++;
        const r = await run(`tp-${n}-${runId}`, manifest(`tp-${n}-${runId}`, layered(2, 5, `t${n}-`), 0, 0, undefined, `bench-lane-${laneNo}`));
        if (r.report.status !== 'Succeeded') throw new Error(`throughput release ${n}: ${r.report.status}`);
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
  });

  const seq = await Promise.all(sequential);
  results.forEach((r, i) => {
    r.sequentialMs = Math.round(seq[i]!);
    r.speedupVsSequential = round(r.sequentialMs / r.wallMs, 1);
  });
  await client.connection.close();
  await connection.close();
  await server.stop();

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Temporal CLI dev server (SQLite in memory)`;
  const output = { date: new Date().toISOString(), machine, latencies: { deployMs: DEPLOY_MS, probeMs: PROBE_MS }, shapes: results, throughput };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
  const table = renderTable(output);
  console.log(table);
  writePerformanceDoc(table);
}

let throughput: Record<string, number> = {};

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function renderTable(out: { date: string; machine: string; shapes: ShapeResult[]; throughput: Record<string, number> }): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `Measured ${out.date} on ${out.machine}; simulated deploy ${DEPLOY_MS} ms, probe ${PROBE_MS} ms.`,
    '',
    '| graph | services | depth | Lockstep | critical path | efficiency | sequential script | speed-up | overhead / step |',
    '|---|---|---|---|---|---|---|---|---|',
    ...out.shapes.map((r) => `| ${r.shape} | ${r.services} | ${r.depth} | ${s(r.wallMs)} | ${s(r.criticalPathMs)} | ${r.efficiency} | ${s(r.sequentialMs)} | ${r.speedupVsSequential}× | ${r.overheadPerStepMs} ms |`),
    '',
    '| graph (failure injected at the deepest service\'s probe) | failure → first compensation | rollback | rollback critical path | rollback efficiency |',
    '|---|---|---|---|---|',
    ...out.shapes.map((r) => `| ${r.shape} | ${r.failure.failureToFirstCompensationMs} ms | ${s(r.failure.rollbackWallMs)} | ${s(r.failure.rollbackCriticalPathMs)} | ${r.failure.rollbackEfficiency} |`),
    '',
    '| graph | history events (success) | history size (success) | history events (rollback) | history size (rollback) |',
    '|---|---|---|---|---|',
    ...out.shapes.map((r) => `| ${r.shape} | ${r.history.successEvents} | ${Math.round(r.history.successBytes / 1024)} KiB | ${r.history.rollbackEvents} | ${Math.round(r.history.rollbackBytes / 1024)} KiB |`),
    '',
    `Throughput: ${out.throughput.releases} releases of ${out.throughput.servicesPerRelease} services (zero-latency steps, 10 at a time) in ${s(out.throughput.wallMs ?? 0)}: **${out.throughput.releasesPerMinute} releases/minute**; CPU ${out.throughput.cpuSeconds} s (worker, client and driver share one process); peak RSS ${out.throughput.peakRssMiB} MiB.`,
  ];
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
