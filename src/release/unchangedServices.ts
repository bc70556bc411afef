/**
 * A service a release left as it found it without running anything: its deploy found the target
 * version already running, or its rollback found the version to restore already running (its
 * deploy never changed anything). Its status reads `unchanged` wherever a report is rendered, not
 * `Succeeded` or `RolledBack`, which would claim work that was not done (only `--json` keeps the
 * status and the step's `noop` outcome as they are). Pure.
 */
import type { ReleaseReport, ServiceReport, StepRecord } from './releaseReport';

export const UNCHANGED = 'unchanged';

function lastStep(service: ServiceReport, name: StepRecord['step']): StepRecord | undefined {
  return service.steps.filter((s) => s.step === name).at(-1);
}

export function isUnchanged(service: ServiceReport): boolean {
  if (service.status === 'RolledBack') return lastStep(service, 'rollback')?.outcome === 'noop';
  if (service.status === 'Succeeded') return lastStep(service, 'deploy')?.outcome === 'noop';
  return false;
}

/** The status to show for a service: `unchanged`, or its status. */
export function shownStatus(service: ServiceReport): string {
  return isUnchanged(service) ? UNCHANGED : service.status;
}

/** A step's outcome to show: `unchanged` for a no-op. */
export function shownOutcome(step: StepRecord): string {
  return step.outcome === 'noop' ? UNCHANGED : step.outcome;
}

/** The compensation order with each compensation that changed nothing marked `(unchanged)`. */
export function shownCompensations(report: ReleaseReport): string[] {
  const byName = new Map(report.services.map((s) => [s.name, s]));
  return report.compensationOrder.map((name) => {
    const service = byName.get(name);
    return service && service.status === 'RolledBack' && isUnchanged(service) ? `${name} (${UNCHANGED})` : name;
  });
}
