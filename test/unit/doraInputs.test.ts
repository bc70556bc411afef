/**
 * What `lockstep dora` reads from a report (the moment of the first error, the restore) and from
 * `--since`, and the text it prints, on hand-made values.
 */
import { failureMoment, restoreRecord } from '../../src/dora/failureMoment';
import { doraFigures } from '../../src/dora/doraFigures';
import { doraText } from '../../src/dora/doraText';
import { sinceInput } from '../../src/dora/sinceInput';
import { longDuration } from '../../src/dora/longDuration';
import type { ReleaseReport } from '../../src/release/releaseReport';

const report = (extra: Partial<ReleaseReport>): ReleaseReport => ({
  releaseId: 'r',
  workflowId: 'release/prod/r',
  environment: 'prod',
  status: 'RolledBack',
  startedAt: '2026-12-02T10:00:00.000Z',
  endedAt: '2026-12-02T10:05:00.000Z',
  services: [
    {
      name: 'orders',
      status: 'RolledBack',
      version: '2',
      dependsOn: [],
      steps: [
        { step: 'deploy', startedAt: '2026-12-02T10:00:01.000Z', endedAt: '2026-12-02T10:00:10.000Z', outcome: 'ok' },
        { step: 'probe', startedAt: '2026-12-02T10:00:10.000Z', endedAt: '2026-12-02T10:01:00.000Z', outcome: 'failed' },
        { step: 'rollback', startedAt: '2026-12-02T10:01:01.000Z', endedAt: '2026-12-02T10:04:59.000Z', outcome: 'ok' },
      ],
    },
  ],
  gates: [],
  compensationOrder: ['orders'],
  rollbackFailures: [],
  // the rollback began at 10:05:00 - 3m59s = 10:01:01
  totals: { durationMs: 300_000, rollbackMs: 239_000, deployed: 0, rolledBack: 1 },
  ...extra,
});

test('the first error is the failed step it names: restore = 10:05:00 - 10:01:00 = 4m; the rollback 3m59s', () => {
  const r = report({ firstError: { service: 'orders', step: 'probe', message: 'unhealthy' } });
  expect(failureMoment(r)).toBe('2026-12-02T10:01:00.000Z');
  expect(restoreRecord(r)).toEqual({ failedAt: '2026-12-02T10:01:00.000Z', restoredAt: '2026-12-02T10:05:00.000Z', rollbackMs: 239_000 });
});

test('a failed check: its failed run ends at at + durationMs; an abort at its time; a gate at the rollback start', () => {
  const check = report({
    firstError: { step: 'check', check: 'flow', message: 'check "flow" failed' },
    checks: [
      {
        name: 'flow', kind: 'command', when: 'final', alsoAfterRollback: true, status: 'passed', findings: [],
        runs: [
          { at: '2026-12-02T10:00:30.000Z', moment: 'final', status: 'failed', summary: 'no', durationMs: 2_500 },
          { at: '2026-12-02T10:04:00.000Z', moment: 'afterRollback', status: 'failed', summary: 'no', durationMs: 100 },
        ],
      },
    ],
  });
  expect(failureMoment(check)).toBe('2026-12-02T10:00:32.500Z'); // 10:00:30 + 2.5 s
  expect(failureMoment(report({ firstError: { step: 'abort', message: 'aborted' }, abort: { reason: 'x', at: '2026-12-02T10:00:45.000Z' } }))).toBe(
    '2026-12-02T10:00:45.000Z',
  );
  expect(failureMoment(report({ firstError: { step: 'gate', gate: 'prod', message: 'timed out' } }))).toBe('2026-12-02T10:01:01.000Z'); // 10:05:00 - 239 s
});

test('only a RolledBack report with an end has a restore', () => {
  expect(restoreRecord(report({ status: 'RollbackFailed', firstError: { service: 'orders', step: 'probe', message: 'x' } }))).toBeUndefined();
  expect(restoreRecord(report({ status: 'Succeeded', endedAt: '2026-12-02T10:05:00.000Z' }))).toBeUndefined();
});

test('--since: a duration before now (days included) or an ISO date; anything else names the problem', () => {
  const now = new Date('2026-12-02T12:00:00.000Z');
  expect(sinceInput('30d', now).toISOString()).toBe('2026-11-02T12:00:00.000Z');
  expect(sinceInput('12h', now).toISOString()).toBe('2026-12-02T00:00:00.000Z');
  expect(sinceInput('1d12h', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  expect(sinceInput('2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  expect(sinceInput('2026-11-01T09:30:00+02:00', now).toISOString()).toBe('2026-11-01T07:30:00.000Z');
  expect(() => sinceInput('yesterday', now)).toThrow('--since yesterday: give a duration such as 30d or 12h, or an ISO date such as 2026-11-01');
  expect(() => sinceInput('2026-11-01T09:30', now)).toThrow('--since 2026-11-01T09:30: give a duration such as 30d or 12h, or an ISO date such as 2026-11-01');
  expect(() => sinceInput('0d', now)).toThrow('--since 0d: give a duration longer than 0, e.g. 30d');
  expect(() => sinceInput('2027-01-01', now)).toThrow('--since 2027-01-01: that is not in the past');
});

test('the text: a block per environment, Rejected said to be left out of the rate', () => {
  const figures = doraFigures(
    [
      { workflowId: 'a', environment: 'prod', status: 'Succeeded', closedAt: '2026-11-02T10:00:00.000Z', committedAt: '2026-11-02T09:00:00.000Z' },
      { workflowId: 'b', environment: 'prod', status: 'RolledBack', closedAt: '2026-11-03T00:01:30.000Z', restore: { failedAt: '2026-11-03T00:00:00.000Z', restoredAt: '2026-11-03T00:01:30.000Z', rollbackMs: 60_000 } },
      { workflowId: 'c', environment: 'prod', status: 'Rejected', closedAt: '2026-11-04T00:00:00.000Z' },
    ],
    { since: '2026-11-01T00:00:00.000Z', until: '2026-11-11T00:00:00.000Z' },
  );
  expect(doraText(figures)).toBe(
    [
      "DORA figures since 2026-11-01T00:00:00.000Z (10 days), from Temporal's records",
      'prod: 3 ended releases (1 Succeeded, 1 RolledBack, 0 RollbackFailed, 1 Rejected)',
      '  deployment frequency   1 deployment in 10 days: 0.1 per day, 0.7 per week',
      '  lead time for changes  p50 1h, p95 1h (1 of 1 deployments carry metadata.source.committedAt)',
      '  change failure rate    50% (1 of 2 changes RolledBack or RollbackFailed); 1 Rejected left out (touched nothing: no change)',
      '  time to restore        p50 1m30s, p95 1m30s (1 rollback, first error to RolledBack)',
      '  rollback time          p50 1m, p95 1m (1 rollback, its start to RolledBack)',
    ].join('\n'),
  );
});

test('durations beyond an hour read in hours, beyond a day in days', () => {
  expect(longDuration(1_500)).toBe('1.5s');
  expect(longDuration(59 * 60_000)).toBe('59m');
  expect(longDuration(3_600_000)).toBe('1h');
  expect(longDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h5m');
  expect(longDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d4h');
  expect(longDuration(2 * 86_400_000 - 60_000)).toBe('2d'); // 1d23h59m rounds to 1d24h = 2d
});

test('without metadata.source the lead time says why it is not measured', () => {
  const window = { since: '2026-11-01T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z' };
  const ok = (id: string) => ({ workflowId: id, environment: 'prod', status: 'Succeeded', closedAt: '2026-11-01T12:00:00.000Z' });
  const leadLine = (n: number) => doraText(doraFigures(Array.from({ length: n }, (_, i) => ok(`r${i}`)), window, ['prod'])).split('\n')[3];
  expect(leadLine(0)).toBe('  lead time for changes  not measured (no deployment)');
  expect(leadLine(1)).toBe('  lead time for changes  not measured (the deployment carries no metadata.source.committedAt)');
  expect(leadLine(2)).toBe('  lead time for changes  not measured (none of the 2 deployments carries metadata.source.committedAt)');
  expect(doraText(doraFigures([], window)).split('\n')[1]).toBe('no release ended in this window');
  expect(doraText(doraFigures([], window)).split('\n')[0]).toBe("DORA figures since 2026-11-01T00:00:00.000Z (1 day), from Temporal's records");
});
