/**
 * The one interface every check kind implements (DESIGN.md, "Checks"): a named verification that
 * passes or fails with a one-line summary and per-item findings. A kind is a folder with `spec.ts`
 * (its manifest block, pure) and its runner; one line in checkKinds.ts and one in createCheck.ts.
 */
import type { Logger } from '../logging/logger';

/** One item a check looked at: a step of a transaction, a pact interaction, a sample, a schema. */
export interface CheckFinding {
  /** What was checked, e.g. `POST /orders`, `billing 1.4.0 -> payments`, `sample 2/3`. */
  item: string;
  status: 'passed' | 'failed';
  /** What was found: the mismatching field, the component's own reason, the measured value. */
  message: string;
}

export interface CheckOutcome {
  status: 'passed' | 'failed';
  /** One line, e.g. `3 of 3 steps passed` or `payments 2.5.0 breaks billing 1.4.0's pact`. */
  summary: string;
  findings: CheckFinding[];
}

/** When a run of a check happens. */
export type CheckRunMoment = 'preflight' | 'after' | 'final' | 'bake' | 'afterRollback';

export interface CheckContext {
  releaseId: string;
  environment: string;
  /** The check's name in the manifest. */
  check: string;
  moment: CheckRunMoment;
  /** This run's number among the check's runs in this release (1 = the first; bake rounds count up). */
  run: number;
  /** What relative paths in the check's block resolve against (the manifest's directory). */
  baseDir: string;
  /**
   * Service -> the version that runs once the release succeeds (its new version if in the release,
   * else the version running now); after a rollback, the versions that run after it.
   */
  versions: Readonly<Record<string, string>>;
  /** The manifest's services with their dependencies (who consumes whom). */
  services: readonly { name: string; dependsOn: readonly string[] }[];
  /** Cancels the run (the release failed elsewhere, or the run's timeout). */
  signal: AbortSignal;
  /** Call at least every few seconds during a long run. */
  heartbeat: () => void;
  logger: Logger;
}

export interface CheckRunner {
  /**
   * Runs the check once. Resolves with `failed` for what it found wrong (a mismatch, an
   * incompatibility, an unreachable component: a failed finding, not a throw); rejects only when
   * cancelled through `signal`.
   */
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** `3 of 4 steps passed` style summary from findings. */
export function summarise(findings: CheckFinding[], noun: string): CheckOutcome {
  const failed = findings.filter((f) => f.status === 'failed');
  const status = failed.length === 0 ? 'passed' : 'failed';
  const summary =
    failed.length === 0
      ? `${findings.length} of ${findings.length} ${noun} passed`
      : `${failed.length} of ${findings.length} ${noun} failed: ${failed[0]!.item}: ${failed[0]!.message}`;
  return { status, summary, findings };
}
