/**
 * `lockstep dora`'s figures from a hand-made set of ended releases; every expected figure is worked
 * out by hand in the comments (percentiles by nearest rank: rank ceil(p/100 * n) of the sorted values).
 */
import { doraFigures, type DoraRelease } from '../../src/dora/doraFigures';
import { nearestRank } from '../../src/dora/nearestRank';

const WINDOW = { since: '2026-11-01T00:00:00.000Z', until: '2026-11-11T00:00:00.000Z' }; // 10 days

const release = (workflowId: string, status: string, closedAt: string, extra: Partial<DoraRelease> = {}): DoraRelease => ({
  workflowId,
  environment: 'prod',
  status,
  closedAt,
  ...extra,
});

const RECORDS: DoraRelease[] = [
  // lead time 10:00 - 08:00 = 2h = 7_200_000 ms
  release('p1', 'Succeeded', '2026-11-02T10:00:00.000Z', { committedAt: '2026-11-02T08:00:00.000Z' }),
  // lead time 12:00 - 11:30 = 30m = 1_800_000 ms (the commit time may carry its own zone: 12:30+01:00 = 11:30Z)
  release('p2', 'Succeeded', '2026-11-03T12:00:00.000Z', { committedAt: '2026-11-03T12:30:00+01:00' }),
  // lead time 11-04 - 11-01 = 3 days = 259_200_000 ms (committed before the window: only the close counts)
  release('p3', 'Succeeded', '2026-11-04T00:00:00.000Z', { committedAt: '2026-11-01T00:00:00.000Z' }),
  // no metadata.source: a deployment, not measured for lead time
  release('p4', 'Succeeded', '2026-11-05T00:00:00.000Z'),
  // restore 00:10:00 - 00:00:00 = 600_000 ms; rollback 540_000 ms
  release('p5', 'RolledBack', '2026-11-06T00:10:00.000Z', {
    restore: { failedAt: '2026-11-06T00:00:00.000Z', restoredAt: '2026-11-06T00:10:00.000Z', rollbackMs: 540_000 },
  }),
  // restore 30 s = 30_000 ms; rollback 20_000 ms
  release('p6', 'RolledBack', '2026-11-07T00:00:30.000Z', {
    restore: { failedAt: '2026-11-07T00:00:00.000Z', restoredAt: '2026-11-07T00:00:30.000Z', rollbackMs: 20_000 },
  }),
  // RolledBack, its report not read: a failed change, not measured for restore
  release('p7', 'RolledBack', '2026-11-08T00:00:00.000Z'),
  release('p8', 'RollbackFailed', '2026-11-08T01:00:00.000Z'),
  release('p9', 'Rejected', '2026-11-08T02:00:00.000Z'),
  release('p10', 'Terminated (was Deploying)', '2026-11-08T03:00:00.000Z'),
  // closed before the window: not counted anywhere
  release('p0', 'RolledBack', '2026-10-31T23:59:59.999Z'),
  // lead time 11-10T00:00 - 11-09T23:00 = 1h = 3_600_000 ms
  release('s1', 'Succeeded', '2026-11-10T00:00:00.000Z', { environment: 'staging', committedAt: '2026-11-09T23:00:00.000Z' }),
];

test('prod: counts, frequency, lead time, change failure rate, time to restore and rollback time, by hand', () => {
  const figures = doraFigures(RECORDS, WINDOW);
  expect(figures.days).toBe(10);
  expect(figures.environments.map((e) => e.environment)).toEqual(['prod', 'staging']);
  const prod = figures.environments[0]!;
  // p1..p10 ended in the window: 4 Succeeded (p1-p4), 3 RolledBack (p5-p7), 1 RollbackFailed, 1 Rejected, 1 terminated
  expect(prod.releases).toEqual({ ended: 10, succeeded: 4, rolledBack: 3, rollbackFailed: 1, rejected: 1, stoppedFromOutside: 1 });
  // 4 deployments / 10 days = 0.4 per day; * 7 = 2.8 per week
  expect(prod.deploymentFrequency.deployments).toBe(4);
  expect(prod.deploymentFrequency.days).toBe(10);
  expect(prod.deploymentFrequency.perDay).toBeCloseTo(0.4, 10);
  expect(prod.deploymentFrequency.perWeek).toBeCloseTo(2.8, 10);
  // sorted lead times [1_800_000, 7_200_000, 259_200_000]: p50 rank ceil(1.5) = 2, p95 rank ceil(2.85) = 3
  expect(prod.leadTime).toEqual({ measured: 3, p50Ms: 7_200_000, p95Ms: 259_200_000, withoutSource: 1 });
  // failed = 3 RolledBack + 1 RollbackFailed = 4; changes = 4 Succeeded + 4 failed = 8; 4 / 8 = 0.5.
  // Rejected (p9) and the terminated p10 are in neither count.
  expect(prod.changeFailureRate).toEqual({ failed: 4, changes: 8, rate: 0.5, rejectedLeftOut: 1, stoppedLeftOut: 1 });
  // sorted restores [30_000, 600_000]: p50 rank ceil(1) = 1, p95 rank ceil(1.9) = 2; p7 not measured
  expect(prod.timeToRestore).toEqual({ measured: 2, p50Ms: 30_000, p95Ms: 600_000, notMeasured: 1 });
  // sorted rollbacks [20_000, 540_000]: p50 = 20_000, p95 = 540_000
  expect(prod.rollbackTime).toEqual({ measured: 2, p50Ms: 20_000, p95Ms: 540_000 });
});

test('staging: one deployment, no failure: a rate of 0, nothing to restore', () => {
  const staging = doraFigures(RECORDS, WINDOW).environments[1]!;
  // 1 / 10 days = 0.1 per day
  expect(staging.deploymentFrequency.perDay).toBeCloseTo(0.1, 10);
  // one value: it is both p50 and p95
  expect(staging.leadTime).toEqual({ measured: 1, p50Ms: 3_600_000, p95Ms: 3_600_000, withoutSource: 0 });
  // 0 failed / 1 change = 0
  expect(staging.changeFailureRate).toEqual({ failed: 0, changes: 1, rate: 0, rejectedLeftOut: 0, stoppedLeftOut: 0 });
  expect(staging.timeToRestore).toEqual({ measured: 0, p50Ms: null, p95Ms: null, notMeasured: 0 });
});

test('an environment asked for without a release has zeros and no rate; only asked-for and found environments are listed', () => {
  const figures = doraFigures(RECORDS.filter((r) => r.environment === 'staging'), WINDOW, ['qa']);
  expect(figures.environments.map((e) => e.environment)).toEqual(['qa', 'staging']);
  const qa = figures.environments[0]!;
  expect(qa.releases).toEqual({ ended: 0, succeeded: 0, rolledBack: 0, rollbackFailed: 0, rejected: 0, stoppedFromOutside: 0 });
  expect(qa.deploymentFrequency).toEqual({ deployments: 0, days: 10, perDay: 0, perWeek: 0 });
  expect(qa.changeFailureRate.rate).toBeNull();
  expect(qa.leadTime.p50Ms).toBeNull();
  expect(doraFigures([], WINDOW).environments).toEqual([]);
});

test('only Rejected releases: no change, so no rate, and the Rejected count is reported', () => {
  const rejected = [release('r1', 'Rejected', '2026-11-02T00:00:00.000Z'), release('r2', 'Rejected', '2026-11-03T00:00:00.000Z')];
  const [prod] = doraFigures(rejected, WINDOW).environments;
  expect(prod!.changeFailureRate).toEqual({ failed: 0, changes: 0, rate: null, rejectedLeftOut: 2, stoppedLeftOut: 0 });
  expect(prod!.releases.ended).toBe(2);
});

test('nearest rank: p50 and p95 of 1..20 are the 10th and 19th values; no values, no percentile', () => {
  const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, any order
  expect(nearestRank(values, 50)).toBe(10); // rank ceil(0.5 * 20) = 10
  expect(nearestRank(values, 95)).toBe(19); // rank ceil(0.95 * 20) = 19
  expect(nearestRank(values, 100)).toBe(20);
  expect(nearestRank([], 50)).toBeUndefined();
});
