/**
 * The run state of one release: the only place where its status, its first error and its failure
 * change. It keeps the live report (the `status` query), the `LockstepStatus` search attribute and
 * the memo in step, holds the compensation stack, and owns the scope of the cancellable work (what
 * a failure cancels) and the wakeup the scheduler waits on. Deterministic code only.
 */
import { CancellationScope, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Manifest, Service } from '../../src/manifest/schema';
import type { ReleasePlan } from '../../src/plan/planRelease';
import { compactReport } from '../../src/release/compactReport';
import type { FirstError, ReleaseReport } from '../../src/release/releaseReport';
import { FINAL_STATUSES, type ReleaseStatus, type ServiceStatus } from '../../src/release/releaseStatus';
import { LockstepStatus } from '../../src/temporal/searchAttributes';
import { CompensationStack } from '../compensationStack';
import { LiveReport } from '../liveReport';
import type { ReleaseInput } from '../releaseInput';
import type { RegisteredSchema } from '../../src/checks/schema/schemaRegistration';
import { Wakeup } from './wakeup';
import { ReleaseNotifications } from './releaseNotifications';
import { lockstepMetrics } from './metricsSink';

export class RunState {
  readonly report: LiveReport;
  readonly stack = new CompensationStack();
  readonly wakeup = new Wakeup();
  /** The work a failure cancels: preflight reads, deploys, probes. Rollbacks run outside it. */
  readonly cancellable = new CancellationScope();
  readonly workflowId: string;
  /** The notifications `spec.notify` asks for, on the release's events. */
  readonly notifications: ReleaseNotifications;
  private readonly services: Map<string, Service>;
  private failure: FirstError | undefined;
  private pausedFlag = false;
  private rollbackStartedAt: Date | undefined;

  constructor(
    readonly input: ReleaseInput,
    readonly manifest: Manifest,
    readonly plan: ReleasePlan,
  ) {
    this.workflowId = workflowInfo().workflowId;
    this.report = new LiveReport(manifest, { releaseId: input.releaseId, workflowId: this.workflowId }, new Date());
    this.services = new Map(manifest.spec.services.map((s) => [s.name, s]));
    this.notifications = new ReleaseNotifications(manifest.spec.notify, this.report.data);
  }

  get environment(): string {
    return this.manifest.metadata.environment;
  }

  get status(): ReleaseStatus {
    return this.report.data.status;
  }

  get ended(): boolean {
    return FINAL_STATUSES.includes(this.status);
  }

  service(name: string): Service {
    return this.services.get(name)!;
  }

  /** True once something failed or the release was aborted: nothing new starts. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  get rollingBack(): boolean {
    return this.rollbackStartedAt !== undefined;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  setPaused(paused: boolean): void {
    this.pausedFlag = paused;
    this.wakeup.poke();
  }

  /**
   * The release failed (a step, an abort, the queue, a gate): the first failure is recorded as the
   * release's first error, what is in flight is cancelled and the scheduler looks again. Later
   * failures (of steps the first one cancelled) change nothing. Returns whether this was the first.
   */
  fail(error: FirstError): boolean {
    if (this.failure) return false;
    this.failure = error;
    this.report.recordFirstError(error);
    this.cancellable.cancel();
    this.wakeup.poke();
    return true;
  }

  /** Sets the release's status, in the report and the `LockstepStatus` search attribute. */
  setStatus(status: ReleaseStatus): void {
    if (this.report.data.status === status) return;
    this.report.setStatus(status);
    upsertSearchAttributes([{ key: LockstepStatus, value: status }]);
    if (status === 'AwaitingApproval') {
      this.notifications.on('AwaitingApproval', this.report.data.gates.find((g) => g.status === 'open')?.name);
    }
  }

  setServiceStatus(name: string, status: ServiceStatus): void {
    this.report.setServiceStatus(name, status);
  }

  /** What runs before this release touches a service (read in preflight; '' = nothing). */
  recordCurrentVersion(name: string, version: string): void {
    const entry = this.report.service(name);
    entry.previousVersion = version;
    entry.runningVersion = version;
  }

  previousVersion(name: string): string {
    return this.report.service(name).previousVersion!;
  }

  /** The version that runs now, as far as the release knows. */
  setRunningVersion(name: string, version: string): void {
    this.report.service(name).runningVersion = version;
  }

  /** A compensation or a re-probe after it failed: the release ends RollbackFailed, naming it. */
  recordRollbackFailure(service: string, step: 'rollback' | 'verify', message: string): void {
    this.setServiceStatus(service, 'RollbackFailed');
    this.report.data.rollbackFailures.push({ service, step, message });
  }

  /** A check after the rollback failed: the release ends RollbackFailed, naming it. */
  recordCheckAfterRollbackFailure(check: string, message: string): void {
    this.report.data.rollbackFailures.push({ step: 'check', check, message });
  }

  get rollbackFailed(): boolean {
    return this.report.data.rollbackFailures.length > 0;
  }

  /** Schema versions this release registered (`register: true`), oldest first: the rollback deletes them. */
  readonly schemaRegistrations: { check: string; registered: RegisteredSchema }[] = [];

  recordSchemaRegistration(check: string, registered: RegisteredSchema): void {
    if (!registered.alreadyRegistered) this.schemaRegistrations.push({ check, registered });
    const record = this.report.data.checks?.find((c) => c.name === check);
    if (record) record.registered = { ...registered };
  }

  recordSchemaDeleted(check: string): void {
    const record = this.report.data.checks?.find((c) => c.name === check);
    if (record?.registered) record.registered.deleted = true;
  }

  /** Whether anything was touched (a deploy started, a schema registered): else a failed release is Rejected. */
  get touched(): boolean {
    return this.stack.size > 0 || this.schemaRegistrations.length > 0;
  }

  beginRollback(): void {
    this.rollbackStartedAt = new Date();
    this.setStatus('RollingBack');
  }

  /** The end: final status, totals, the search attribute and the memo (outcome at a glance). */
  finish(status: ReleaseStatus): ReleaseReport {
    if (status !== 'Succeeded') {
      // the release failed before these could start: they were never touched
      for (const s of this.report.data.services) if (s.status === 'Pending') s.status = 'Skipped';
    }
    // checks whose moment never came
    for (const c of this.report.data.checks ?? []) if (c.status === 'pending') c.status = 'skipped';
    this.report.finish(status, new Date(), this.rollbackStartedAt);
    upsertSearchAttributes([{ key: LockstepStatus, value: status }]);
    const first = this.report.data.firstError;
    upsertMemo({
      outcome: {
        status,
        ...(first ? { firstError: `${first.service ? `${first.service} ` : ''}${first.step}: ${first.message}`.slice(0, 500) } : {}),
      },
    });
    lockstepMetrics.releaseEnded(this.report.data); // the full report: compacting may drop step records
    return compactReport(this.report.data);
  }
}
