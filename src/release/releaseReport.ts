/** The report a release returns and its `status` query shows live. Pure types. */
import type { CheckFinding, CheckRunMoment } from '../checks/check';
import type { ReleaseStatus, ServiceStatus } from './releaseStatus';

export type StepName = 'current' | 'deploy' | 'probe' | 'rollback' | 'verify';

export interface StepRecord {
  step: StepName;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome: 'running' | 'ok' | 'noop' | 'failed' | 'cancelled';
  attempts?: number;
  version?: string;
  error?: string;
  stdoutTail?: string;
  stderrTail?: string;
}

export interface ServiceReport {
  name: string;
  status: ServiceStatus;
  /** The version this release deploys. */
  version: string;
  /** The version that ran before this release touched the service ('' = none; undefined = not read yet). */
  previousVersion?: string;
  /** The version that runs now, as far as the release knows. */
  runningVersion?: string;
  dependsOn: string[];
  steps: StepRecord[];
  /** Step records left out to keep a very large report within Temporal's payload limit (see `omitted`). */
  stepsOmitted?: number;
}

/**
 * What made the release fail: a service's step (`service` and `step`), or a failure of its own kind
 * that is not a service's step (`abort`, `queue`, `gate` with the gate's name, `preflight` for a
 * program that does not exist, naming the service, `check` with the check's name).
 */
export interface FirstError {
  service?: string;
  step: StepName | 'abort' | 'gate' | 'queue' | 'preflight' | 'check' | 'register';
  /** The approval gate that timed out (step `gate`). */
  gate?: string;
  /** The check that failed (step `check`). */
  check?: string;
  message: string;
}

export interface GateReport {
  name: string;
  before: string[];
  status: 'waiting' | 'open' | 'approved' | 'timedOut';
  approvedBy?: string;
  approvedAt?: string;
  refusals: { by: string; at: string; reason: string }[];
}

/** One execution of a check: each bake round and the re-run after a rollback is a run of its own. */
export interface CheckRun {
  at: string;
  moment: CheckRunMoment;
  status: 'passed' | 'failed';
  summary: string;
  durationMs?: number;
}

export interface CheckReport {
  name: string;
  kind: string;
  /** Where it runs: `preflight`, `final`, `afterRollback`, `after orders, payments`. */
  when: string;
  /** Its bake, when it has one. */
  bake?: string;
  alsoAfterRollback: boolean;
  /** `pending`: not run yet; `skipped`: the release ended before its moment came. The last run's verdict otherwise. */
  status: 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
  summary?: string;
  /** The last run's findings. */
  findings: CheckFinding[];
  runs: CheckRun[];
  /** A schema check's release step (`register: true`): the version registered, and whether the rollback deleted it. */
  registered?: { subject: string; version: number; id: number; alreadyRegistered: boolean; deleted?: boolean };
}

export interface ReleaseReport {
  releaseId: string;
  workflowId: string;
  environment: string;
  status: ReleaseStatus;
  startedAt: string;
  endedAt?: string;
  services: ServiceReport[];
  gates: GateReport[];
  /** Notifications sent on the release's events (absent when the manifest has none). */
  notifications?: { event: string; kind: string; url: string; status: 'sending' | 'sent' | 'failed'; attempts?: number; error?: string }[];
  /** The release's checks, in manifest order (absent in releases started before checks existed). */
  checks?: CheckReport[];
  firstError?: FirstError;
  abort?: { reason: string; at: string };
  /** Set when the release waited for its environment: behind whom, how many ahead, since and until when. */
  queue?: { behind: string; ahead: number; since: string; grantedAt?: string };
  /** The preflight's check of every program the release may run (on the worker): how many, and what is wrong. */
  programChecks?: { checked: number; findings: { service: string; what: string; path: string; problem: string }[] };
  /** Services in the order their compensations started (newest first). */
  compensationOrder: string[];
  /** Services whose compensation or post-rollback probe failed. */
  rollbackFailures: { service?: string; step: StepName | 'check' | 'unregister'; check?: string; message: string }[];
  totals: { durationMs?: number; rollbackMs?: number; deployed: number; rolledBack: number };
  /** What was left out of this report to keep it within Temporal's payload limit (releases of thousands of services). */
  omitted?: string;
  /**
   * Set by clients, never by the workflow: the release's workflow was stopped from outside
   * (terminated, timed out) and this is its last report; nothing after it ran.
   */
  closedAs?: { execution: string; reason?: string };
}
