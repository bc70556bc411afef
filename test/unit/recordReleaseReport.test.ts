/** An ended release's report -> Lockstep's metrics (src/metrics/recordReleaseReport.ts), read back from the registry. */
import { createLockstepMetrics, type LockstepMetrics } from '../../src/metrics/lockstepMetrics';
import { parseMetricsAddress } from '../../src/metrics/metricsAddress';
import { recordReleaseReport } from '../../src/metrics/recordReleaseReport';
import type { ReleaseReport, StepRecord } from '../../src/release/releaseReport';

const step = (name: StepRecord['step'], outcome: StepRecord['outcome'], durationMs?: number): StepRecord => ({
  step: name,
  outcome,
  startedAt: '2026-12-02T10:00:00.000Z',
  ...(durationMs === undefined ? {} : { durationMs }),
});

function report(overrides: Partial<ReleaseReport>): ReleaseReport {
  return {
    releaseId: 'r1',
    workflowId: 'lockstep-r1',
    environment: 'prod',
    status: 'Succeeded',
    startedAt: '2026-12-02T10:00:00.000Z',
    services: [],
    gates: [],
    compensationOrder: [],
    rollbackFailures: [],
    totals: { durationMs: 12_000, deployed: 0, rolledBack: 0 },
    ...overrides,
  };
}

/** Every sample of a metric as `labels=value` lines, sorted (histograms: their _count and _sum). */
async function samples(metrics: LockstepMetrics, name: string): Promise<string[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const values: { value: number; labels: object; metricName?: string }[] = (await metric.get()).values;
  return values
    .filter((v) => !v.metricName?.endsWith('_bucket'))
    .map((v) => `${v.metricName?.slice(name.length) ?? ''}${JSON.stringify(v.labels)}=${v.value}`)
    .sort();
}

const rolledBack = report({
  status: 'RolledBack',
  totals: { durationMs: 40_000, rollbackMs: 9_500, deployed: 0, rolledBack: 2 },
  services: [
    { name: 'api', status: 'RolledBack', version: '2', dependsOn: [], steps: [step('current', 'ok', 100), step('deploy', 'ok', 3_000), step('probe', 'ok', 500), step('rollback', 'ok', 2_000), step('verify', 'ok')] },
    { name: 'web', status: 'RolledBack', version: '2', dependsOn: ['api'], steps: [step('current', 'ok', 100), step('deploy', 'failed', 1_000), step('rollback', 'ok', 1_500)] },
  ],
  checks: [
    {
      name: 'checkout', kind: 'synthetic', when: 'final', alsoAfterRollback: true, status: 'passed', findings: [],
      runs: [
        { at: '2026-12-02T10:00:30.000Z', moment: 'final', status: 'failed', summary: 'broken' },
        { at: '2026-12-02T10:00:39.000Z', moment: 'afterRollback', status: 'passed', summary: 'ok' },
      ],
    },
    { name: 'soak', kind: 'prometheus', when: 'final', alsoAfterRollback: false, status: 'skipped', findings: [], runs: [] },
  ],
});

test('a rolled-back release: its outcome, durations in seconds, every step, every check run', async () => {
  const metrics = createLockstepMetrics();
  recordReleaseReport(metrics, rolledBack);
  expect(await samples(metrics, 'lockstep_releases_total')).toEqual(['{"environment":"prod","status":"RolledBack"}=1']);
  expect(await samples(metrics, 'lockstep_release_duration_seconds')).toEqual([
    '_count{"environment":"prod","status":"RolledBack"}=1',
    '_sum{"environment":"prod","status":"RolledBack"}=40',
  ]);
  expect(await samples(metrics, 'lockstep_rollback_duration_seconds')).toEqual(['_count{"environment":"prod"}=1', '_sum{"environment":"prod"}=9.5']);
  const steps = await samples(metrics, 'lockstep_steps_total');
  expect(steps).toHaveLength(8); // 5 of api, 3 of web: one series each
  expect(steps).toContain('{"environment":"prod","service":"web","step":"deploy","outcome":"failed"}=1');
  expect(steps).toContain('{"environment":"prod","service":"api","step":"verify","outcome":"ok"}=1');
  // a step without a duration (verify) counts, but is not observed
  expect(await samples(metrics, 'lockstep_step_duration_seconds')).toContain('_count{"environment":"prod","step":"rollback"}=2');
  expect(await samples(metrics, 'lockstep_step_duration_seconds')).not.toContainEqual(expect.stringContaining('"verify"'));
  expect(await samples(metrics, 'lockstep_checks_total')).toEqual([
    '{"environment":"prod","check":"checkout","kind":"synthetic","result":"failed"}=1',
    '{"environment":"prod","check":"checkout","kind":"synthetic","result":"passed"}=1',
  ]);
  expect(await samples(metrics, 'lockstep_compensation_failures_total')).toEqual([]);
});

test('a succeeded release has no rollback duration; two releases add up', async () => {
  const metrics = createLockstepMetrics();
  recordReleaseReport(metrics, report({ services: [{ name: 'api', status: 'Succeeded', version: '2', dependsOn: [], steps: [step('deploy', 'ok', 2_000)] }] }));
  recordReleaseReport(metrics, report({ releaseId: 'r2', services: [{ name: 'api', status: 'Succeeded', version: '3', dependsOn: [], steps: [step('deploy', 'ok', 4_000)] }] }));
  expect(await samples(metrics, 'lockstep_releases_total')).toEqual(['{"environment":"prod","status":"Succeeded"}=2']);
  expect(await samples(metrics, 'lockstep_rollback_duration_seconds')).toEqual([]);
  expect(await samples(metrics, 'lockstep_step_duration_seconds')).toEqual(['_count{"environment":"prod","step":"deploy"}=2', '_sum{"environment":"prod","step":"deploy"}=6']);
});

test('a rollback that failed counts the services whose compensation failed, not the failed after-rollback check', async () => {
  const metrics = createLockstepMetrics();
  recordReleaseReport(
    metrics,
    report({
      status: 'RollbackFailed',
      totals: { durationMs: 30_000, rollbackMs: 20_000, deployed: 0, rolledBack: 0 },
      rollbackFailures: [
        { service: 'db', step: 'rollback', message: 'exit 1' },
        { service: 'db', step: 'verify', message: 'unhealthy' },
        { step: 'check', check: 'checkout', message: 'still broken' },
      ],
    }),
  );
  expect(await samples(metrics, 'lockstep_compensation_failures_total')).toEqual(['{"environment":"prod","service":"db"}=2']);
  // failure to RolledBack: a rollback that never got there is not a rollback duration
  expect(await samples(metrics, 'lockstep_rollback_duration_seconds')).toEqual([]);
  expect(await samples(metrics, 'lockstep_releases_total')).toEqual(['{"environment":"prod","status":"RollbackFailed"}=1']);
});

test('the metrics address is host:port, named in the error otherwise', () => {
  expect(parseMetricsAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
  expect(parseMetricsAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
  expect(parseMetricsAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
  for (const bad of ['9464', '127.0.0.1', 'localhost:http', '127.0.0.1:70000', '::1:9464']) {
    expect(() => parseMetricsAddress(bad)).toThrow(`metrics address "${bad}" is not host:port (e.g. 127.0.0.1:9464)`);
  }
});
