/**
 * Step 3, deploy in dependency order: a service starts as soon as everything it depends on has
 * succeeded (and its approval gates passed), so independent services deploy concurrently. Per
 * service: push the compensation onto the stack *before* the deploy starts (a deploy that fails or
 * times out may have half-applied), deploy, probe. The first failure cancels what is in flight.
 */
import { isCancellation, sleep } from '@temporalio/workflow';
import type { Check } from '../../src/checks/checkKinds';
import type { Service } from '../../src/manifest/schema';
import type { ApprovalGates } from '../approvalGates';
import { runDag } from '../run/dagScheduler';
import type { RunState } from '../run/runState';
import { StepFailed, type Steps } from '../run/steps';
import { checkFailureMessage, checkTaskName, type CheckRuns } from '../run/checkRuns';

export async function deploy(run: RunState, steps: Steps, gates: ApprovalGates, checks: CheckRuns): Promise<void> {
  const gatePermits = gateKeeper(run, gates);
  // an `{after: [a, b]}` check is a task of its own: it waits for a and b, and whatever depends on
  // a or b waits for it (those further down wait for them in turn)
  const afterChecks = checks.afterServices();
  const checkTasks = afterChecks.map(({ check, after }) => ({ name: checkTaskName(check.name), after }));
  const checksAfter = (dependency: string) => afterChecks.filter((c) => c.after.includes(dependency)).map((c) => checkTaskName(c.check.name));
  const serviceTasks = run.plan.startOrder.map((name) => {
    const dependsOn = run.service(name).dependsOn;
    return { name, after: [...dependsOn, ...new Set(dependsOn.flatMap(checksAfter))] };
  });
  const checkNames = new Map(afterChecks.map(({ check }) => [checkTaskName(check.name), check]));
  const mayStart = (name: string) => checkNames.has(name) || gatePermits(name);
  const checksRunning = new Set<string>();
  await runDag({
    tasks: [...checkTasks, ...serviceTasks],
    maxParallel: run.manifest.spec.maxParallel,
    waitFor: 'succeeded',
    wakeup: run.wakeup,
    stopped: () => run.failed,
    held: () => run.paused,
    mayStart,
    onWait: (running) => {
      if (run.failed) return;
      // only `after` checks run: the release is Verifying
      const verifying = running > 0 && running === checksRunning.size;
      run.setStatus(run.paused ? 'Paused' : gates.anyOpen() && running === 0 ? 'AwaitingApproval' : verifying ? 'Verifying' : 'Deploying');
    },
    run: (name) => {
      const check = checkNames.get(name);
      if (!check) return deployService(run, steps, run.service(name));
      checksRunning.add(name);
      return runAfterCheck(run, checks, check).finally(() => checksRunning.delete(name));
    },
  });
}

/** An `{after: [...]}` check: a failure fails the release (what it did is rolled back). */
async function runAfterCheck(run: RunState, checks: CheckRuns, check: Check): Promise<void> {
  const outcome = await run.cancellable.run(() => checks.runOnce(check, 'after'));
  if (outcome.status === 'failed') {
    run.fail({ step: 'check', check: check.name, message: checkFailureMessage(check, outcome) });
    throw new Error(outcome.summary);
  }
}

async function deployService(run: RunState, steps: Steps, svc: Service): Promise<void> {
  try {
    await run.cancellable.run(async () => {
      run.setServiceStatus(svc.name, 'Deploying');
      const previousVersion = run.previousVersion(svc.name);
      run.stack.push({ service: svc.name, restoreVersion: previousVersion, deployedVersion: svc.version });
      await steps.deploy(svc, previousVersion);
      run.setRunningVersion(svc.name, svc.version);
      if (svc.health) {
        run.setServiceStatus(svc.name, 'Probing');
        await steps.probe(svc, 'probe', svc.version);
      }
      run.setServiceStatus(svc.name, 'Succeeded');
    });
  } catch (err) {
    if (isCancellation(err)) {
      run.setServiceStatus(svc.name, 'Cancelled');
    } else {
      run.setServiceStatus(svc.name, 'Failed');
      run.fail(err instanceof StepFailed ? { service: svc.name, step: err.step, message: err.message } : { service: svc.name, step: 'deploy', message: String(err) });
    }
    throw err;
  }
}

/**
 * Whether a service may start as far as its approval gates go. A gate opens (AwaitingApproval) when
 * one of its services is ready; its timer starts then, and a gate still unapproved when it fires
 * fails the release.
 */
function gateKeeper(run: RunState, gates: ApprovalGates): (service: string) => boolean {
  const timers = new Set<string>();
  return (service) => {
    const blocking = gates.blockingGates(service);
    for (const gate of blocking) {
      const timeoutMs = gates.open(gate.name);
      if (timers.has(gate.name)) continue;
      timers.add(gate.name);
      void sleep(timeoutMs).then(() => {
        if (gates.expire(gate.name)) {
          run.fail({ step: 'gate', gate: gate.name, message: `approval gate "${gate.name}" was not approved within ${gate.timeout}` });
        }
        run.wakeup.poke();
      });
    }
    return blocking.length === 0;
  };
}
