/**
 * The report of a running release, kept current by the saga and served by the `status` query.
 * Pure: timestamps come from the caller (workflow time).
 */
import type { Manifest } from '../src/manifest/schema';
import type { ReleaseStatus, ServiceStatus } from '../src/release/releaseStatus';
import type { FirstError, ReleaseReport, ServiceReport, StepName, StepRecord } from '../src/release/releaseReport';

export class LiveReport {
  readonly data: ReleaseReport;
  private readonly byName = new Map<string, ServiceReport>();

  constructor(manifest: Manifest, ids: { releaseId: string; workflowId: string }, now: Date) {
    this.data = {
      releaseId: ids.releaseId,
      workflowId: ids.workflowId,
      environment: manifest.metadata.environment,
      status: 'Pending',
      startedAt: now.toISOString(),
      services: manifest.spec.services.map((s) => ({
        name: s.name,
        status: 'Pending',
        version: s.version,
        dependsOn: s.dependsOn,
        steps: [],
      })),
      gates: manifest.spec.gates.map((g) => ({ name: g.name, before: g.before, status: 'waiting', refusals: [] })),
      compensationOrder: [],
      rollbackFailures: [],
      totals: { deployed: 0, rolledBack: 0 },
    };
    for (const s of this.data.services) this.byName.set(s.name, s);
  }

  service(name: string): ServiceReport {
    return this.byName.get(name)!;
  }

  setServiceStatus(name: string, status: ServiceStatus): void {
    this.service(name).status = status;
  }

  beginStep(name: string, step: StepName, now: Date, version?: string): StepRecord {
    const record: StepRecord = { step, startedAt: now.toISOString(), outcome: 'running', version };
    this.service(name).steps.push(record);
    return record;
  }

  endStep(record: StepRecord, now: Date, outcome: StepRecord['outcome'], extra: Partial<StepRecord> = {}): void {
    Object.assign(record, extra);
    record.outcome = outcome;
    record.endedAt = now.toISOString();
    record.durationMs = now.getTime() - Date.parse(record.startedAt);
  }

  recordFirstError(error: FirstError): void {
    this.data.firstError ??= error;
  }

  setStatus(status: ReleaseStatus): void {
    this.data.status = status;
  }

  finish(status: ReleaseStatus, now: Date, rollbackStartedAt?: Date): void {
    this.data.status = status;
    this.data.endedAt = now.toISOString();
    this.data.totals.durationMs = now.getTime() - Date.parse(this.data.startedAt);
    if (rollbackStartedAt) this.data.totals.rollbackMs = now.getTime() - rollbackStartedAt.getTime();
    this.data.totals.deployed = this.data.services.filter((s) => s.status === 'Succeeded').length;
    this.data.totals.rolledBack = this.data.services.filter((s) => s.status === 'RolledBack').length;
  }
}
