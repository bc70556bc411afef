/**
 * When a rolled-back release failed and when it was restored, read from its report: the time to
 * restore runs from the first error to the end of the rollback (RolledBack). Pure.
 */
import type { ReleaseReport } from '../release/releaseReport';

export interface RestoreRecord {
  /** When the first error happened (see failureMoment). */
  failedAt: string;
  /** When the release ended RolledBack. */
  restoredAt: string;
  /** The rollback itself: from its start to RolledBack (`totals.rollbackMs`). */
  rollbackMs?: number;
}

const earliest = (times: string[]): string | undefined => [...times].sort((a, b) => Date.parse(a) - Date.parse(b))[0];

/**
 * The moment of a release's first error: the end of the failed step it names (a service's deploy or
 * probe), the end of the failed check run it names, the abort's time; for any other failure (a gate
 * that timed out) the start of the rollback, which follows the failure at once.
 */
export function failureMoment(report: ReleaseReport): string | undefined {
  const first = report.firstError;
  if (first?.service) {
    const steps = report.services.find((s) => s.name === first.service)?.steps ?? [];
    const failed = earliest(steps.filter((s) => s.step === first.step && s.outcome === 'failed' && s.endedAt).map((s) => s.endedAt!));
    if (failed) return failed;
  }
  if (first?.step === 'check' && first.check) {
    const runs = report.checks?.find((c) => c.name === first.check)?.runs ?? [];
    const failed = earliest(
      runs.filter((r) => r.status === 'failed' && r.moment !== 'afterRollback').map((r) => new Date(Date.parse(r.at) + (r.durationMs ?? 0)).toISOString()),
    );
    if (failed) return failed;
  }
  if (first?.step === 'abort' && report.abort) return report.abort.at;
  if (report.endedAt && report.totals.rollbackMs !== undefined) return new Date(Date.parse(report.endedAt) - report.totals.rollbackMs).toISOString();
  return undefined;
}

/** The restore of a RolledBack release; undefined for any other status or a report without the times. */
export function restoreRecord(report: ReleaseReport): RestoreRecord | undefined {
  if (report.status !== 'RolledBack' || !report.endedAt) return undefined;
  const failedAt = failureMoment(report);
  if (!failedAt) return undefined;
  return { failedAt, restoredAt: report.endedAt, ...(report.totals.rollbackMs !== undefined ? { rollbackMs: report.totals.rollbackMs } : {}) };
}
