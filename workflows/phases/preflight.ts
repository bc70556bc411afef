/**
 * Step 2, preflight: everything that can fail without touching anything runs first. On the worker,
 * where the commands run, every program the release may run must exist and be executable; every
 * current version is read in one activity (one round trip, not one per service), at the same time;
 * a read that failed there is retried alone with its own retry policy; the `preflight` checks run
 * beside them. A failure here ends the release Rejected.
 */
import { isCancellation } from '@temporalio/workflow';
import { runDag } from '../run/dagScheduler';
import type { RunState } from '../run/runState';
import type { ProgramFinding } from '../../src/targets/programChecks';
import { StepFailed, type Steps } from '../run/steps';
import { checkFailureMessage, type CheckRuns } from '../run/checkRuns';

export async function preflight(run: RunState, steps: Steps, checks: CheckRuns): Promise<void> {
  run.setStatus('Preflight');
  const names = run.plan.startOrder;
  const readAt = new Date();
  const [, programs, batch] = await Promise.all([
    runPreflightChecks(run, checks),
    run.cancellable.run(() => steps.checkPrograms()).catch((err: unknown) => programCheckFailed(run, err)),
    run.cancellable
      .run(() => steps.readAll(names))
      .catch((err: unknown) => (isCancellation(err) ? undefined : [])), // [] = read them one by one below
  ]);
  if (programs) {
    run.report.data.programChecks = { checked: programs.checked.length, findings: programs.findings };
    const first = programs.findings[0];
    // a command check's program is named `check <name>` in its finding
    const whose = first?.service.startsWith('check ') ? { check: first.service.slice('check '.length) } : { service: first?.service };
    if (first) run.fail({ step: 'preflight', ...whose, message: describeFindings(programs.findings) });
  }
  for (const result of batch ?? []) {
    if (result.version === undefined) continue;
    const record = run.report.beginStep(result.service, 'current', readAt);
    run.report.endStep(record, new Date(), 'ok', { version: result.version, attempts: 1 });
    run.recordCurrentVersion(result.service, result.version);
  }
  const unread = batch === undefined ? [] : names.filter((n) => run.report.service(n).previousVersion === undefined);
  await runDag({
    tasks: unread.map((name) => ({ name, after: [] })),
    maxParallel: run.manifest.spec.maxParallel,
    waitFor: 'settled',
    wakeup: run.wakeup,
    stopped: () => run.failed,
    run: async (name) => {
      try {
        run.recordCurrentVersion(name, await run.cancellable.run(() => steps.readCurrent(run.service(name))));
      } catch (err) {
        if (isCancellation(err) || run.failed) return;
        run.setServiceStatus(name, 'Failed');
        run.fail(err instanceof StepFailed ? { service: name, step: err.step, message: err.message } : { service: name, step: 'current', message: String(err) });
      }
    },
  });
  if (!run.failed) run.setStatus('Deploying');
}

/** The `preflight` checks, all at once; the first that fails rejects the release (the others are cancelled). */
async function runPreflightChecks(run: RunState, checks: CheckRuns): Promise<void> {
  await Promise.all(
    checks.at('preflight').map(async (check) => {
      try {
        const outcome = await run.cancellable.run(() => checks.runOnce(check, 'preflight'));
        if (outcome.status === 'failed') run.fail({ step: 'check', check: check.name, message: checkFailureMessage(check, outcome) });
      } catch (err) {
        if (!isCancellation(err)) throw err;
      }
    }),
  );
}

function programCheckFailed(run: RunState, err: unknown): undefined {
  if (!isCancellation(err)) run.fail({ step: 'preflight', message: `the program check failed: ${err instanceof Error ? err.message : String(err)}` });
  return undefined;
}

/** `payments: deploy program /srv/deplyo.sh does not exist; ...` (the first five). */
export function describeFindings(findings: ProgramFinding[]): string {
  const lines = findings.slice(0, 5).map((f) => `${f.service}: ${f.what === 'cwd' ? 'working directory' : `${f.what} program`} ${f.path} ${f.problem}`);
  return `${lines.join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}`;
}
