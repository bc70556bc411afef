/**
 * What an ended release's report adds to Lockstep's metrics: its outcome and duration, its rollback
 * time, every step, every compensation that failed and every check run.
 */
import type { ReleaseReport } from '../release/releaseReport';
import type { LockstepMetrics } from './lockstepMetrics';

const seconds = (ms: number): number => ms / 1000;

export function recordReleaseReport(metrics: LockstepMetrics, report: ReleaseReport): void {
  const { environment, status } = report;
  metrics.releases.inc({ environment, status });
  if (report.totals.durationMs !== undefined) metrics.releaseDuration.observe({ environment, status }, seconds(report.totals.durationMs));
  if (status === 'RolledBack' && report.totals.rollbackMs !== undefined) {
    metrics.rollbackDuration.observe({ environment }, seconds(report.totals.rollbackMs));
  }
  for (const service of report.services) {
    for (const step of service.steps) {
      metrics.steps.inc({ environment, service: service.name, step: step.step, outcome: step.outcome });
      if (step.durationMs !== undefined) metrics.stepDuration.observe({ environment, step: step.step }, seconds(step.durationMs));
    }
  }
  // a failed after-rollback check or schema deletion names no service: it shows in lockstep_checks_total and the report
  for (const failure of report.rollbackFailures) {
    if (failure.service !== undefined) metrics.compensationFailures.inc({ environment, service: failure.service });
  }
  for (const check of report.checks ?? []) {
    for (const run of check.runs) metrics.checks.inc({ environment, check: check.name, kind: check.kind, result: run.status });
  }
}
