/** Operator controls on one release: `pause`, `resume`, `abort --reason`, `approve --gate --by`. */
import type { Command } from 'commander';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { normalizeWorkflowId } from '../../release/releaseIds';
import { abortUpdate, approveUpdate, pauseSignal, resumeSignal } from '../../../workflows/messages';
import { CliError } from '../cliErrors';

interface ConnectionFlags {
  address?: string;
  namespace?: string;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'Temporal address (default $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default $TEMPORAL_NAMESPACE or default)');
}

async function handleFor(ref: string, flags: ConnectionFlags): Promise<{ client: Client; workflowId: string }> {
  const workflowId = normalizeWorkflowId(ref);
  const client = await connectClient(temporalSettings(flags));
  let running: boolean;
  try {
    running = (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (/not found/i.test(err instanceof Error ? err.message : String(err))) throw new CliError(`no release ${workflowId}`, 3);
    throw err;
  }
  if (!running) {
    const ended = await client.workflow
      .getHandle(workflowId)
      .result()
      .then((r: { status?: string }) => r.status ?? 'ended', () => 'ended without a report (failed, cancelled or terminated)');
    throw new CliError(`refused: release ${workflowId} already ${ended === 'ended' || ended.startsWith('ended') ? ended : `ended ${ended}`}`, 1);
  }
  return { client, workflowId };
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

export function registerControls(program: Command): void {
  for (const [name, signal, help] of [
    ['pause', pauseSignal, 'start no new step (steps in flight finish); the release shows Paused'],
    ['resume', resumeSignal, 'continue a paused release'],
  ] as const) {
    withConnection(program.command(name).description(help).argument('<release>', 'release/<environment>/<id> or <environment>/<id>'))
      .addHelpText('after', `\nExample:\n  $ lockstep ${name} staging/checkout-42`)
      .action(async (ref: string, flags: ConnectionFlags) => {
        const { client, workflowId } = await handleFor(ref, flags);
        await client.workflow.getHandle(workflowId).signal(signal);
        console.log(`${name} sent to ${workflowId}`);
      });
  }
  withConnection(
    program
      .command('abort')
      .description('abort a release: what it did is rolled back')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .requiredOption('--reason <text>', 'why (kept in the report)'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep abort staging/checkout-42 --reason "error rate up"')
    .action(async (ref: string, flags: ConnectionFlags & { reason: string }) => {
      const { client, workflowId } = await handleFor(ref, flags);
      const answer = await answered(() => client.workflow.getHandle(workflowId).executeUpdate(abortUpdate, { args: [{ reason: flags.reason }] }));
      console.log(`${workflowId}: ${answer}`);
    });
  withConnection(
    program
      .command('approve')
      .description('approve an approval gate of a release')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .requiredOption('--gate <name>', 'the gate')
      .requiredOption('--by <who>', 'who approves (must be in the gate\'s approvers when it has them)'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep approve prod/checkout-42 --gate prod-approval --by alice')
    .action(async (ref: string, flags: ConnectionFlags & { gate: string; by: string }) => {
      const { client, workflowId } = await handleFor(ref, flags);
      const answer = await answered(() =>
        client.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [{ gate: flags.gate, by: flags.by }] }),
      );
      console.log(`${workflowId}: ${answer}`);
    });
}
