/**
 * The live plan (`lockstep plan --live`, `lockstep release --dry-run`): what a release of a manifest
 * would do now, found by running its preflight on a worker and touching nothing. The workflow's
 * input and result (definitions only; workflows/planLive.ts computes it, the CLI prints it).
 */
import type { ManifestInput } from '../manifest/schema';
import type { CheckedProgram, ProgramFinding } from '../targets/programChecks';

export interface LivePlanInput {
  /** The manifest as written, relative paths already resolved by the client. */
  manifest: ManifestInput;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
  /** Names this plan in the workers' logs, as a release id does a release. */
  planId: string;
}

/** A service as the release would find it: what runs now, what it would deploy. */
export interface LivePlanService {
  name: string;
  /** 1-based: the wave it would start in. */
  wave: number;
  /** What runs now ('' = nothing yet); absent when it could not be read. */
  current?: string;
  target: string;
  /** `deploy`: current -> target; `unchanged`: the target already runs; `unknown`: current unreadable. */
  change: 'deploy' | 'unchanged' | 'unknown';
  /** Why the current version could not be read. */
  readError?: string;
}

/** One check of the preflight and its verdict. */
export interface PreflightVerdict {
  /** `programs`, `current versions` or `check <name>` (a preflight check of the manifest). */
  check: string;
  passed: boolean;
  detail: string;
}

export interface LivePlan {
  planId: string;
  workflowId: string;
  environment: string;
  /** true: the release would start (its preflight would pass); false: it would be rejected. */
  wouldStart: boolean;
  /** Why it would be rejected: the first failed check's detail. */
  rejection?: string;
  waves: string[][];
  services: LivePlanService[];
  programs: {
    checked: number;
    findings: ProgramFinding[];
    /** The programs checked, in the order checked (at most the first 2,000; `checked` counts them all). */
    list: CheckedProgram[];
  };
  checks: PreflightVerdict[];
}
