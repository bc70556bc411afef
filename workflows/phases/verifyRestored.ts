/**
 * Step 5: after a rollback every restored service is probed again: the system must be shown back
 * on its known-good versions. A service that does not come back healthy ends the release
 * RollbackFailed, naming it.
 */
import type { Compensation } from '../compensationStack';
import { runDag } from '../run/dagScheduler';
import type { RunState } from '../run/runState';
import type { Steps } from '../run/steps';

export async function verifyRestored(run: RunState, steps: Steps, restored: Compensation[]): Promise<void> {
  const toProbe = restored.filter((e) => e.restoreVersion !== '' && run.service(e.service).health);
  const restoreVersion = new Map(toProbe.map((e) => [e.service, e.restoreVersion]));
  await runDag({
    tasks: toProbe.map((e) => ({ name: e.service, after: [] })),
    maxParallel: run.manifest.spec.maxParallel,
    waitFor: 'settled',
    wakeup: run.wakeup,
    run: async (name) => {
      try {
        await steps.probe(run.service(name), 'verify', restoreVersion.get(name)!);
      } catch (err) {
        run.recordRollbackFailure(name, 'verify', err instanceof Error ? err.message : String(err));
      }
    },
  });
}
