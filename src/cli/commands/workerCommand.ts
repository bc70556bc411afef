/** `lockstep worker`: run a worker on task queue `lockstep` against any Temporal cluster. */
import type { Command } from 'commander';
import { runWorker } from '../../../workers/main';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker (release workflows and their steps) until SIGINT/SIGTERM')
    .option('--address <host:port>', 'Temporal address (default $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default $TEMPORAL_NAMESPACE or default)')
    .option('--task-queue <name>', 'task queue (default $LOCKSTEP_TASK_QUEUE or lockstep)')
    .addHelpText(
      'after',
      '\nTLS and API keys come from TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY.\n\nExample:\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 lockstep worker',
    )
    .action(async (opts: { address?: string; namespace?: string; taskQueue?: string }) => {
      await runWorker(opts, ({ address, taskQueue }) => console.error(`lockstep worker: polling ${taskQueue} on ${address}`));
    });
}
