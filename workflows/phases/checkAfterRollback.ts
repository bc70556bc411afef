/**
 * Step 5b: after the rollback and the re-probes, the `afterRollback` checks (and those that say
 * `alsoAfterRollback`) run against the versions that run now. A failure ends the release
 * RollbackFailed: the system was not shown back in a known-good state.
 */
import type { CheckRuns } from '../run/checkRuns';
import type { RunState } from '../run/runState';

export async function checkAfterRollback(run: RunState, checks: CheckRuns): Promise<void> {
  const afterRollback = checks.at('afterRollback');
  if (afterRollback.length === 0) return;
  run.setStatus('Verifying');
  await Promise.all(
    afterRollback.map(async (check) => {
      const outcome = await checks.runOnce(check, 'afterRollback');
      if (outcome.status === 'failed') run.recordCheckAfterRollbackFailure(check.name, `check "${check.name}" failed after the rollback: ${outcome.summary}`);
    }),
  );
}
