/** `lockstep worker`: run a worker on task queue `lockstep` against any Temporal cluster. */
import type { Command } from 'commander';
import { runWorker } from '../../../workers/main';
import { metricsAddressSetting } from '../../metrics/metricsAddress';
import { EXIT_CODES } from '../../release/releaseStatus';
import { CliError } from '../cliErrors';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';

export function registerWorker(program: Command): void {
  withConnectionFlags(
    program
      .command('worker')
      .description('run a worker (release workflows and their steps) until SIGINT/SIGTERM')
      .option('--task-queue <name>', 'task queue (default $LOCKSTEP_TASK_QUEUE or lockstep)')
      .option('--metrics <host:port>', 'serve Prometheus metrics at http://<host:port>/metrics (env LOCKSTEP_METRICS_ADDRESS)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 lockstep worker\n  $ lockstep worker --metrics 127.0.0.1:9464\n  $ TEMPORAL_API_KEY=... lockstep worker --address my-ns.a1b2c.tmprl.cloud:7233 --namespace my-ns.a1b2c',
    )
    .action(async (opts: ConnectionFlags & { taskQueue?: string; metrics?: string }) => {
      const { metrics, ...flags } = opts;
      let metricsAddress: string | undefined;
      try {
        metricsAddress = metricsAddressSetting(metrics); // before connecting: a typo is invalid input, not a worker that runs blind
      } catch (err) {
        throw new CliError(`${metrics === undefined ? 'LOCKSTEP_METRICS_ADDRESS' : '--metrics'}: ${(err as Error).message}`, EXIT_CODES.invalidInput);
      }
      // The worker's own (native) connection reports a wrong address or TLS setting as a bare
      // transport error; connecting a client first turns it into one line and exit code 4.
      const client = await connectClient(temporalSettings(opts));
      await client.connection.close();
      await runWorker(
        flags,
        ({ address, taskQueue, metricsUrl }) => {
          if (metricsUrl) console.error(`lockstep worker: metrics at ${metricsUrl}`);
          console.error(`lockstep worker: polling ${taskQueue} on ${address}`);
        },
        { metricsAddress },
      );
    });
}
