/**
 * `lockstep worker --metrics` scraped by a real Prometheus: a release that succeeds and one that
 * rolls back show in Lockstep's metrics, the SDK's own metrics are on the same endpoint, and a
 * replay of the ended releases (a query on a closed workflow replays its whole history on the
 * worker) counts nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { startRelease } from '../../src/release/startRelease';
import { statusQuery } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { startPrometheus, type PrometheusServer } from '../support/prometheusServer';
import { waitFor } from '../support/waitFor';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const taskQueue = `metrics-${randomUUID()}`;
let metricsAddress: string;
let worker: WorkerProcess;
let prometheus: PrometheusServer;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  metricsAddress = `127.0.0.1:${await freePort()}`;
  [worker, prometheus, connection] = await Promise.all([
    startWorkerProcess(taskQueue, {}, ['--metrics', metricsAddress]),
    startPrometheus({ targets: [metricsAddress] }),
    Connection.connect({ address: process.env.TEMPORAL_ADDRESS }),
  ]);
  client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
});

afterAll(async () => {
  await Promise.all([worker?.stop(), prometheus?.stop(), connection?.close()]);
});

async function release(fleet: FakeFleet, manifest: unknown) {
  const { handle } = await startRelease(client, loadManifest(fleet.writeManifest(manifest)), taskQueue);
  return { handle, report: (await handle.result()) as ReleaseReport };
}

/** Waits until Prometheus answers `expected` for the query (it scrapes every second). */
const untilValue = (query: string, expected: number) =>
  waitFor(async () => (await prometheus.value(query)) === expected, `${query} == ${expected} in Prometheus`);

const stepsWith = (reports: ReleaseReport[], outcome: string) =>
  reports.flatMap((r) => r.services.flatMap((s) => s.steps)).filter((s) => s.outcome === outcome).length;

test('the worker announces its metrics endpoint and answers 404 beside /metrics', async () => {
  expect(worker.output()).toContain(`lockstep worker: metrics at http://${metricsAddress}/metrics`);
  expect((await fetch(`http://${metricsAddress}/other`)).status).toBe(404);
  const served = await fetch(`http://${metricsAddress}/metrics`);
  expect(served.status).toBe(200);
  expect(served.headers.get('content-type')).toContain('text/plain');
  await prometheus.untilScraped();
});

test('a succeeded and a rolled-back release show in Prometheus, and a replay counts neither twice', async () => {
  const good = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  const ok = await release(good, good.manifest('metrics-ok', good.chain(['a', 'b'], '2.0.0'), { checks: [good.check('smoke')] }));
  expect(ok.report.status).toBe('Succeeded');
  const bad = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  bad.env.FAIL_DEPLOY = 'b';
  const failed = await release(bad, bad.manifest('metrics-rollback', bad.chain(['a', 'b'], '2.0.0')));
  expect(failed.report.status).toBe('RolledBack');
  const reports = [ok.report, failed.report];

  await untilValue('sum(lockstep_releases_total{status="Succeeded"})', 1);
  await untilValue('sum(lockstep_releases_total{status="RolledBack"})', 1);
  await untilValue('sum(lockstep_rollback_duration_seconds_count{environment="test"})', 1);
  await untilValue('sum(lockstep_release_duration_seconds_count)', 2);
  await untilValue('sum(lockstep_steps_total{outcome="failed"})', stepsWith(reports, 'failed'));
  await untilValue('sum(lockstep_steps_total{outcome="ok"})', stepsWith(reports, 'ok'));
  await untilValue('sum(lockstep_steps_total{service="b",step="deploy",outcome="failed"})', 1);
  await untilValue('sum(lockstep_checks_total{check="smoke",kind="command",result="passed"})', 1);
  const rollbackSeconds = await prometheus.value('sum(lockstep_rollback_duration_seconds_sum)');
  expect(rollbackSeconds).toBeCloseTo(failed.report.totals.rollbackMs! / 1000, 3);
  expect(stepsWith(reports, 'failed')).toBe(1);
  // the SDK's own metrics come from the same endpoint
  await waitFor(async () => ((await prometheus.value('sum(temporal_workflow_completed)')) ?? 0) >= 2, "the SDK's temporal_workflow_completed in Prometheus");

  // replays of both ended releases on this live worker (not cached: each query replays the history)
  expect((await ok.handle.query(statusQuery)).status).toBe('Succeeded');
  expect((await failed.handle.query(statusQuery)).status).toBe('RolledBack');
  // the worker runs sink calls before it answers: a scrape after the answers sees whatever the replays counted
  const answered = Date.now() / 1000;
  await waitFor(async () => ((await prometheus.value('max(timestamp(up))')) ?? 0) > answered, 'a scrape after the replays');
  expect(await prometheus.value('sum(lockstep_releases_total)')).toBe(2);
  expect(await prometheus.value('sum(lockstep_release_duration_seconds_count)')).toBe(2);
  expect(await prometheus.value('sum(lockstep_steps_total{outcome="failed"})')).toBe(1);
});

// after the two releases above (tests in a file run in order)
test("every query of the Grafana dashboard is PromQL this Prometheus answers, and the outcomes panel shows both releases", async () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'lockstep-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  // Grafana's variables, as Grafana fills them in
  const filled = (expr: string) => expr.replaceAll('$environment', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h');
  /** Prometheus's instant-query answer, the fields read here. */
  type Answer = { status: string; error?: string; data?: { result: { metric: Record<string, string> }[] } };
  const answers = new Map<string, Answer>();
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const response = await fetch(`${prometheus.address}/api/v1/query?query=${encodeURIComponent(filled(expr))}`);
      answers.set(`${panel.title}: ${expr}`, (await response.json()) as Answer);
    }
  }
  expect([...answers].filter(([, a]) => a.status !== 'success').map(([q, a]) => `${q} -> ${a.error}`)).toEqual([]);
  const outcomes = [...answers].find(([q]) => q.startsWith('Releases by outcome:'))![1];
  expect(outcomes.data!.result.map((r) => r.metric.status).sort()).toEqual(['RolledBack', 'Succeeded']);
});

test('a metrics address that is not host:port is invalid input (exit 3), from the flag or the environment', async () => {
  const flag = await runCli(['worker', '--metrics', '9464']);
  expect({ code: flag.code, stderr: flag.stderr.trim() }).toEqual({
    code: 3,
    stderr: 'lockstep: --metrics: metrics address "9464" is not host:port (e.g. 127.0.0.1:9464)',
  });
  const env = await runCli(['worker'], { LOCKSTEP_METRICS_ADDRESS: 'localhost' });
  expect({ code: env.code, stderr: env.stderr.trim() }).toEqual({
    code: 3,
    stderr: 'lockstep: LOCKSTEP_METRICS_ADDRESS: metrics address "localhost" is not host:port (e.g. 127.0.0.1:9464)',
  });
});

test('a second worker on the same metrics address stops, saying the address is in use', async () => {
  const second = await runCli(['worker', '--task-queue', `${taskQueue}-second`], { LOCKSTEP_METRICS_ADDRESS: metricsAddress });
  expect(second.code).toBe(1);
  expect(second.stderr).toContain(`lockstep: cannot serve metrics on ${metricsAddress}: the address is in use`);
  expect(second.stderr).not.toContain('polling');
});
