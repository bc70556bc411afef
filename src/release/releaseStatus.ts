/** Statuses of a release and of each service in it (DESIGN.md). Pure. */
export const RELEASE_STATUSES = [
  'Queued',
  'Pending',
  'Preflight',
  'Deploying',
  'Paused',
  'AwaitingApproval',
  'Verifying',
  'RollingBack',
  'Succeeded',
  'RolledBack',
  'RollbackFailed',
  'Rejected',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export const FINAL_STATUSES: readonly ReleaseStatus[] = ['Succeeded', 'RolledBack', 'RollbackFailed', 'Rejected'];

export type ServiceStatus =
  | 'Pending' // not started yet
  | 'Deploying'
  | 'Probing'
  | 'Succeeded'
  | 'Failed' // its deploy or probe failed
  | 'Cancelled' // in flight when another step failed
  | 'Skipped' // never touched: the release failed before it could start
  | 'RollingBack'
  | 'RolledBack'
  | 'RollbackFailed';

/** Exit codes of `lockstep release --wait` (DESIGN.md). */
export const EXIT_CODES = {
  Succeeded: 0,
  RolledBack: 1,
  Rejected: 1,
  RollbackFailed: 2,
  invalidInput: 3,
  unreachable: 4,
} as const;
