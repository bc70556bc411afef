/** Inputs and results of the release's activities; shared by workflow (types only) and activities. */
import type { Health, Target } from '../src/manifest/schema';

export interface ServiceStepInput {
  releaseId: string;
  environment: string;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
  service: string;
  target: Target;
}

/** Many services' current versions read in one activity (the preflight). */
export interface BatchReadInput {
  releaseId: string;
  environment: string;
  baseDir: string;
  services: { service: string; target: Target }[];
  /** At most this many reads at once. */
  concurrency: number;
}

/** Per service: the version, or why it could not be read. */
export interface BatchReadResult {
  service: string;
  version?: string;
  error?: string;
}

export interface VersionChangeInput extends ServiceStepInput {
  /** The version that runs once the step succeeds ('' on a rollback of a first deploy = remove). */
  version: string;
  /** The version running before the step. */
  previousVersion: string;
  /** Stable across retries of the same step. */
  idempotencyKey: string;
}

export interface VersionChangeResult {
  noop: boolean;
  stdoutTail: string;
  stderrTail: string;
  attempt: number;
}

export interface ProbeInput {
  releaseId: string;
  environment: string;
  baseDir: string;
  service: string;
  health: Health;
  /** 'probe' after a deploy, 'verify' after a rollback (absent in histories recorded before it existed). */
  step?: 'probe' | 'verify';
  /** The version expected to run. */
  version?: string;
}

export interface ProbeResult {
  checks: number;
  elapsedMs: number;
  lastDetail: string;
  attempt: number;
}

/** Details attached to a failed step (ApplicationFailure details[0]). */
export interface StepFailureDetails {
  attempt: number;
  stdoutTail: string;
  stderrTail: string;
}
