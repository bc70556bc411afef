/**
 * Operator controls on one release: `pause`, `resume`, `abort --reason`, `approve --gate --by`.
 * With --json each prints {workflowId, action, answer}; a refusal is one line on stderr and exit 1.
 * Only a worker can act on a control: with none polling the release's task queue (or none answering
 * within seconds) each fails fast, exit 4, naming the worker to start, instead of waiting for one.
 */
import type { Command } from 'commander';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { abortUpdate, approveUpdate, pauseSignal, resumeSignal } from '../../../workflows/messages';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { findRelease, type FoundRelease } from '../releaseLookup';
import { UPDATE_DEADLINE_MS, askWorker } from '../workerAnswer';

interface ControlFlags extends ConnectionFlags {
  json?: boolean;
}

/** The running release; one that has ended refuses every control (exit 1, with how it ended). */
async function runningRelease(ref: string, flags: ConnectionFlags): Promise<FoundRelease> {
  const found = await findRelease(ref, flags);
  if (!found.running) {
    const ended = await found.handle.result().then(
      (r: { status?: string }) => (r.status ? `ended ${r.status}` : 'ended'),
      () => 'ended without a report (failed, cancelled or terminated)',
    );
    throw new CliError(`refused: release ${found.workflowId} already ${ended}`, 1);
  }
  return found;
}

/** Runs an update; a refusal by the release's validator is exit code 1 with its reason. */
async function answered(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new CliError(`refused: ${err.cause?.message ?? err.message}`, 1);
    throw err;
  }
}

function printAnswer(flags: ControlFlags, workflowId: string, action: string, answer: string, text: string): void {
  console.log(flags.json ? JSON.stringify({ workflowId, action, answer }) : text);
}

const RELEASE_ARGUMENT = ['<release>', 'release/<environment>/<id> or <environment>/<id>'] as const;
const JSON_OPTION = ['--json', 'print JSON: {workflowId, action, answer}'] as const;

export function registerControls(program: Command): void {
  for (const [name, signal, help] of [
    ['pause', pauseSignal, 'start no new step (steps in flight finish); the release shows Paused'],
    ['resume', resumeSignal, 'continue a paused release'],
  ] as const) {
    withConnectionFlags(program.command(name).description(help).argument(...RELEASE_ARGUMENT).option(...JSON_OPTION))
      .addHelpText('after', `\nExample:\n  $ lockstep ${name} staging/checkout-42`)
      .action(async (ref: string, flags: ControlFlags) => {
        const found = await runningRelease(ref, flags);
        const { handle, workflowId } = found;
        // a signal is stored without a worker, but nothing would act on it: say so rather than "sent"
        await askWorker(found, `act on the ${name}`, UPDATE_DEADLINE_MS, () => handle.signal(signal));
        printAnswer(flags, workflowId, name, `${name} sent`, `${name} sent to ${workflowId}`);
      });
  }
  withConnectionFlags(
    program
      .command('abort')
      .description('abort a release: what it did is rolled back')
      .argument(...RELEASE_ARGUMENT)
      .requiredOption('--reason <text>', 'why (kept in the report)')
      .option(...JSON_OPTION),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep abort staging/checkout-42 --reason "error rate up"')
    .action(async (ref: string, flags: ControlFlags & { reason: string }) => {
      const found = await runningRelease(ref, flags);
      const { handle, workflowId } = found;
      const answer = await answered(() => askWorker(found, 'act on the abort', UPDATE_DEADLINE_MS, () => handle.executeUpdate(abortUpdate, { args: [{ reason: flags.reason }] })));
      printAnswer(flags, workflowId, 'abort', answer, `${workflowId}: ${answer}`);
    });
  withConnectionFlags(
    program
      .command('approve')
      .description('approve an approval gate of a release')
      .argument(...RELEASE_ARGUMENT)
      .requiredOption('--gate <name>', 'the gate')
      .requiredOption('--by <who>', "who approves (must be in the gate's approvers when it has them)")
      .option(...JSON_OPTION),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep approve prod/checkout-42 --gate prod-approval --by alice')
    .action(async (ref: string, flags: ControlFlags & { gate: string; by: string }) => {
      const found = await runningRelease(ref, flags);
      const { handle, workflowId } = found;
      const answer = await answered(() =>
        askWorker(found, 'act on the approval', UPDATE_DEADLINE_MS, () => handle.executeUpdate(approveUpdate, { args: [{ gate: flags.gate, by: flags.by }] })),
      );
      printAnswer(flags, workflowId, 'approve', answer, `${workflowId}: ${answer}`);
    });
}
