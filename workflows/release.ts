/**
 * The release saga (DESIGN.md, "The release saga"), top to bottom:
 *   queue -> 1. validate and plan -> 2. preflight -> 3. deploy (through the gates)
 *   -> on any failure or abort: 4. compensate newest first -> 5. verify the restored services
 *   -> 6. finish with the report.
 * Each phase is a module of workflows/phases/; they share one run state (workflows/run/) and run
 * their steps through one DAG scheduler. Deterministic code only.
 */
import { CancellationScope, patched } from '@temporalio/workflow';
import type { ReleaseReport } from '../src/release/releaseReport';
import { ApprovalGates } from './approvalGates';
import { installControls } from './controls';
import { releaseV1 } from './legacy/releaseV1';
import { PATCHES } from './patches';
import { deploy } from './phases/deploy';
import { finish } from './phases/finish';
import { preflight } from './phases/preflight';
import { takeEnvironmentTurn } from './phases/queue';
import { rollBack } from './phases/rollBack';
import { validateAndPlan } from './phases/validateAndPlan';
import { verifyRestored } from './phases/verifyRestored';
import { verify } from './phases/verify';
import { checkAfterRollback } from './phases/checkAfterRollback';
import { CheckRuns } from './run/checkRuns';
import { registerSchemas, unregisterSchemas } from './phases/registerSchemas';
import type { ReleaseInput } from './releaseInput';
import { RunState } from './run/runState';
import { Steps } from './run/steps';

export type { ReleaseInput } from './releaseInput';

export async function release(input: ReleaseInput): Promise<ReleaseReport> {
  // Releases started before the phases saga finish on the code they started with.
  if (!patched(PATCHES.sagaPhases.id)) return releaseV1(input);
  // A Temporal cancel request (the Web UI's Cancel) is an abort: the release rolls back what it did.
  const cancelRequested = CancellationScope.current().cancelRequested;
  return CancellationScope.nonCancellable(async () => {
    // 1. Validate and plan.
    const { manifest, plan } = validateAndPlan(input);
    const run = new RunState(input, manifest, plan);
    const steps = new Steps(run);
    const checks = new CheckRuns(run);
    const gates = new ApprovalGates(manifest.spec.gates, run.report, () => true);
    const abort = installControls(run, gates);
    void cancelRequested.catch(() => abort('cancel requested through Temporal'));

    // One release at a time per environment: wait Queued for the turn, or be refused.
    const turn = await takeEnvironmentTurn(run);

    // 2. Preflight: everything that can fail without touching anything (with the preflight checks).
    if (!run.failed) await preflight(run, steps, checks);
    if (!run.failed) await registerSchemas(run);

    // 3. Deploy in dependency order, compensation pushed before each deploy, gates approved and
    // `after` checks passed; then the final checks and their bake.
    if (!run.failed) await deploy(run, steps, gates, checks);
    if (!run.failed) await verify(run, checks);
    if (!run.failed) return finish(run, turn, 'Succeeded');
    if (!run.touched) return finish(run, turn, 'Rejected');

    // 4. Compensate newest first, and 5. show every restored service healthy again;
    // in a scope that cancellation cannot interrupt.
    await CancellationScope.nonCancellable(async () => {
      const restored = await rollBack(run, steps);
      await unregisterSchemas(run);
      await verifyRestored(run, steps, restored);
      await checkAfterRollback(run, checks);
    });
    return finish(run, turn, run.rollbackFailed ? 'RollbackFailed' : 'RolledBack');
  });
}
