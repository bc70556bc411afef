/**
 * What every kind of deploy target does for one service: tell the version that runs now,
 * deploy a version, and restore a previous one. Adapters live beside this file, one per kind.
 */
export interface StepContext {
  releaseId: string;
  environment: string;
  service: string;
  /** Stable across retries of the same step. */
  idempotencyKey: string;
  /**
   * The workflow run the step belongs to. A workflow id (and so an idempotency key) can be used
   * again by a later run once the earlier one is gone from Temporal; records of completed steps are
   * keyed by both, so a later run never takes an earlier run's step for its own.
   */
  runId?: string;
  /** Aborted when the step is cancelled (the release failed elsewhere or was aborted). */
  signal: AbortSignal;
  /** Called periodically by long steps so the orchestrator knows they are alive. */
  heartbeat: (details?: unknown) => void;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
}

export interface StepOutput {
  /** True when nothing had to change (a deploy: the version already ran; a rollback: it already completed). */
  noop: boolean;
  stdoutTail: string;
  stderrTail: string;
}

export interface DeployTarget {
  /** The version that runs now; '' when the service is not deployed. */
  current(ctx: StepContext): Promise<string>;
  /** Make `version` run; `previousVersion` is what ran before ('' = nothing). */
  deploy(ctx: StepContext, change: { version: string; previousVersion: string }): Promise<StepOutput>;
  /**
   * Restore `version` ('' = remove the service); `previousVersion` is the version the release was
   * deploying. Called for every service whose deploy started, and must act even when `current`
   * already reads `version` (a half-applied deploy reads as the old version): it is a no-op only
   * for a retry of this very step (idempotency key and run) that already completed.
   */
  rollback(ctx: StepContext, change: { version: string; previousVersion: string }): Promise<StepOutput>;
}

/** A step failure whose message is meant for the report; carries the output tails. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly stdoutTail = '',
    readonly stderrTail = '',
    /** False for failures no retry can fix (e.g. the program does not exist). */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'StepError';
  }
}
