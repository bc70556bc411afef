/**
 * Step 4, compensate: the compensations on the stack start newest first (none overtakes an older
 * one), a service's only once the compensations of the services that depend on it have ended
 * (dependents before their dependencies), at most maxParallel at once, each retried. A compensation that still fails is recorded by name and the rest
 * still run. Returns the entries whose restore succeeded.
 */
import type { Compensation } from '../compensationStack';
import { runDag } from '../run/dagScheduler';
import type { RunState } from '../run/runState';
import type { Steps } from '../run/steps';

export async function rollBack(run: RunState, steps: Steps): Promise<Compensation[]> {
  run.beginRollback();
  const entries = run.stack.unwindOrder();
  const byService = new Map(entries.map((e) => [e.service, e]));
  const restored: Compensation[] = [];
  await runDag({
    tasks: entries.map((e) => ({ name: e.service, after: run.plan.dependents[e.service]!.filter((d) => byService.has(d)) })),
    maxParallel: run.manifest.spec.maxParallel,
    waitFor: 'settled',
    inOrder: true,
    wakeup: run.wakeup,
    run: async (name) => {
      const entry = byService.get(name)!;
      run.report.data.compensationOrder.push(name);
      run.setServiceStatus(name, 'RollingBack');
      try {
        await steps.restore(run.service(name), entry);
        run.setServiceStatus(name, 'RolledBack');
        run.setRunningVersion(name, entry.restoreVersion);
        restored.push(entry);
      } catch (err) {
        run.recordRollbackFailure(name, 'rollback', err instanceof Error ? err.message : String(err));
      }
    },
  });
  return restored;
}
