/** Reports of very large releases stay within Temporal's payload limit, saying what was left out. */
import { compactReport } from '../../src/release/compactReport';
import type { ReleaseReport, StepRecord } from '../../src/release/releaseReport';

const step = (outcome: StepRecord['outcome'], tail: string): StepRecord => ({
  step: 'deploy', startedAt: '2026-12-02T10:00:00.000Z', endedAt: '2026-12-02T10:00:01.000Z', outcome, stdoutTail: tail, stderrTail: tail,
});
const report = (services: number, tail: string): ReleaseReport => ({
  releaseId: 'r', workflowId: 'release/e/r', environment: 'e', status: 'RolledBack', startedAt: '2026-12-02T10:00:00.000Z',
  services: Array.from({ length: services }, (_, i) => ({
    name: `s${i}`, status: 'RolledBack', version: '2', dependsOn: [], steps: [step('ok', tail), step('failed', tail), step('noop', tail)],
  })),
  gates: [], compensationOrder: [], rollbackFailures: [], totals: { deployed: 0, rolledBack: services },
});

test('a report within the budget is returned as it is', () => {
  const small = report(3, 'x');
  expect(compactReport(small, 100_000)).toBe(small);
});

test('tails of steps that went well go first; failed steps keep theirs', () => {
  const out = compactReport(report(20, 'y'.repeat(200)), 20_000);
  expect(out.omitted).toBe("to stay within Temporal's payload limit, left out: output tails of steps that went well");
  expect(out.services[0]!.steps.map((s) => s.stdoutTail)).toEqual([undefined, 'y'.repeat(200), undefined]);
});

test('then all tails, then the records of steps that went well (counted); the original is untouched', () => {
  const big = report(200, 'z'.repeat(300));
  const out = compactReport(big, 60_000);
  expect(out.omitted).toBe("to stay within Temporal's payload limit, left out: output tails of steps that went well; all output tails; the records of steps that went well");
  expect(out.services[0]!.steps.map((s) => s.outcome)).toEqual(['failed']);
  expect(out.services[0]!.stepsOmitted).toBe(2);
  expect(JSON.stringify(out).length).toBeLessThanOrEqual(60_000);
  expect(big.services[0]!.steps).toHaveLength(3);
  expect(big.omitted).toBeUndefined();
});
