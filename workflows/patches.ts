/**
 * Every behaviour change of the release workflow that could alter a running release's history, in
 * one place (the Temporal SDK keeps its flags the same way). A release started before a patch keeps
 * the old branch when it replays; one started after takes the new one. The histories named here
 * (test/histories/) replay in CI for both branches.
 *
 * Lifecycle of an entry: `patched(id)` while old releases may still run -> `deprecatePatch(id)` once
 * none can (the releases started before it have all closed: `lockstep list` shows none running) ->
 * removed, with its histories, in the release after that.
 *
 * Decision (worker versioning): from the release after `saga-phases`, behaviour changes of the saga
 * ship as a new worker deployment version with PINNED releases (Temporal worker versioning): a release
 * finishes on the code it started with, so no new `patched()` branches are needed for them. `patched()`
 * stays for small fixes that must reach releases already running. See docs/UPGRADES.md.
 *
 * Checks (issue 10) needed no patch: a release without `spec.checks` issues exactly the commands it
 * did before (the phases-*.json histories replay unchanged), and no release running before could
 * have checks (the manifest schema refused the field). checks-*.json cover the new commands.
 */
export interface PatchEntry {
  id: string;
  /** The change that introduced it. */
  since: string;
  why: string;
  /** Stored histories recorded before (old branch) and after (new branch). */
  histories: { before: string[]; after: string[] };
}

const entry = (e: PatchEntry): PatchEntry => e;

export const PATCHES = {
  /** An approve signal without `by` is refused (it used to approve a gate open to anyone). */
  approvalNeedsApprover: entry({
    id: 'approval-needs-approver',
    since: 'issue 4 (reliability)',
    why: 'an approve signal without `by` approved a gate that had no approvers list',
    histories: { before: ['success.json'], after: ['preflight-success.json'] },
  }),
  /** Current versions are read in a preflight phase, before anything is touched. */
  preflightCurrentVersions: entry({
    id: 'preflight-current-versions',
    since: 'issue 5 (rehearsals and bench)',
    why: 'a broken `current` failed after other services were already deployed; one round trip instead of one per service',
    histories: { before: ['success.json', 'rollback.json', 'abort.json', 'rollback-failed.json'], after: ['preflight-*.json'] },
  }),
  /** A Temporal cancel request (the Web UI's Cancel, `temporal workflow cancel`) is an abort. */
  cancelRollsBack: entry({
    id: 'cancel-rolls-back',
    since: 'issue 3 (operating releases)',
    why: 'a cancel ended the workflow with nothing rolled back',
    histories: { before: ['preflight-*.json'], after: ['lock-*.json'] },
  }),
  /** Releases take their environment's lock before they start (Queued). */
  environmentLock: entry({
    id: 'environment-lock',
    since: 'issue 3 (operating releases)',
    why: 'two releases of one environment ran at once',
    histories: { before: ['preflight-*.json'], after: ['lock-*.json'] },
  }),
  /**
   * The saga as phases over one scheduler (issue 9). Releases started before it run the frozen v1
   * saga in workflows/legacy/ (with the four patches above); releases after it run workflows/saga/.
   */
  sagaPhases: entry({
    id: 'saga-phases',
    since: 'issue 9 (the saga rebuilt)',
    why: 'the saga rebuilt as phases over one DAG scheduler; failures that are not a service step are reported as their own kind',
    histories: { before: ['lock-*.json'], after: ['phases-*.json'] },
  }),
} as const;
