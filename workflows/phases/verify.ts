/**
 * Step 3b, verify: after every service succeeded and before `Succeeded`, the `final` checks run
 * (status Verifying), all at once. A check with a `bake` then keeps re-running, `interval` apart,
 * until its bake has passed since all of them succeeded. Any failure, also during the bake, fails
 * the release: everything it did is rolled back.
 */
import { isCancellation, sleep } from '@temporalio/workflow';
import type { Check } from '../../src/checks/checkKinds';
import { parseDuration } from '../../src/manifest/duration';
import { checkFailureMessage, type CheckRuns } from '../run/checkRuns';
import type { RunState } from '../run/runState';

export async function verify(run: RunState, checks: CheckRuns): Promise<void> {
  const finals = checks.at('final');
  if (finals.length === 0) return;
  run.setStatus('Verifying');
  await Promise.all(finals.map((check) => runFinal(run, checks, check, 'final')));
  if (run.failed) return;
  const passedAt = Date.now();
  await Promise.all(finals.filter((c) => c.bake !== undefined).map((check) => bake(run, checks, check, passedAt)));
}

/** Re-runs a check until its bake has passed since `since` (at least one round). */
async function bake(run: RunState, checks: CheckRuns, check: Check, since: number): Promise<void> {
  const until = since + parseDuration(check.bake!)!;
  const intervalMs = parseDuration(check.interval)!;
  while (!run.failed) {
    try {
      await run.cancellable.run(() => sleep(intervalMs));
    } catch (err) {
      if (isCancellation(err)) return;
      throw err;
    }
    if (!(await runFinal(run, checks, check, 'bake'))) return;
    if (Date.now() >= until) return;
  }
}

/** One run of a final check; false when it failed (the release now fails) or was cancelled. */
async function runFinal(run: RunState, checks: CheckRuns, check: Check, moment: 'final' | 'bake'): Promise<boolean> {
  try {
    const outcome = await run.cancellable.run(() => checks.runOnce(check, moment));
    if (outcome.status === 'passed') return true;
    run.fail({ step: 'check', check: check.name, message: checkFailureMessage(check, outcome) + (moment === 'bake' ? ' (during the bake)' : '') });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  return false;
}
