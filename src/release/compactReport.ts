/**
 * Keeps a report under Temporal's payload limit (2 MiB per result or query answer): a release of
 * thousands of services that rolled back records five steps per service, which can pass it. Output
 * tails of steps that went well go first, then all tails, then the records of steps that went well
 * (their count is kept). The report says what was left out. Pure (workflow-safe).
 */
import type { ReleaseReport } from './releaseReport';

/** Well under 2 MiB: the payload's metadata and encoding need room too. */
export const REPORT_BUDGET_BYTES = 1_500_000;

const size = (report: ReleaseReport): number => JSON.stringify(report).length;

export function compactReport(report: ReleaseReport, budget = REPORT_BUDGET_BYTES): ReleaseReport {
  if (size(report) <= budget) return report;
  const copy: ReleaseReport = { ...report, services: report.services.map((s) => ({ ...s, steps: s.steps.map((st) => ({ ...st })) })) };
  const wentWell = (outcome: string) => outcome === 'ok' || outcome === 'noop';
  const stages: [string, () => void][] = [
    ['output tails of steps that went well', () => eachStep(copy, (st) => wentWell(st.outcome) && dropTails(st))],
    ['all output tails', () => eachStep(copy, dropTails)],
    [
      'the records of steps that went well',
      () => {
        for (const s of copy.services) {
          const kept = s.steps.filter((st) => !wentWell(st.outcome));
          if (kept.length < s.steps.length) s.stepsOmitted = s.steps.length - kept.length;
          s.steps = kept;
        }
      },
    ],
  ];
  const omitted: string[] = [];
  for (const [what, apply] of stages) {
    apply();
    omitted.push(what);
    copy.omitted = `to stay within Temporal's payload limit, left out: ${omitted.join('; ')}`;
    if (size(copy) <= budget) break;
  }
  return copy;
}

function eachStep(report: ReleaseReport, fn: (step: ReleaseReport['services'][number]['steps'][number]) => void): void {
  for (const s of report.services) for (const st of s.steps) fn(st);
}

function dropTails(step: { stdoutTail?: string; stderrTail?: string }): void {
  delete step.stdoutTail;
  delete step.stderrTail;
}
