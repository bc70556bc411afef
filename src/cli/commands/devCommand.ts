/** `lockstep dev`: the embedded Temporal dev server and a worker in the foreground; Ctrl-C stops both. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { startDevServer } from '../../temporal/devServer';
import { createLogger } from '../../logging/logger';
import { installRuntimeLogger } from '../../../workers/main';
import { createReleaseWorker } from '../../../workers/releaseWorker';
import { temporalSettings } from '../../temporal/connectionOptions';
import { localStateDir } from '../../packageLocation';

export const STATE_DIR = localStateDir();

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('start the embedded Temporal server (gRPC 7233, Web UI 8233, SQLite in --db) and a worker')
    .option('--port <port>', 'gRPC port', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--db <file>', 'SQLite file of the server', join(STATE_DIR, 'dev.db'))
    .addHelpText('after', '\nExample:\n  $ lockstep dev        # then, in another terminal: lockstep release examples/checkout.yaml --wait')
    .action(async (opts: { port: string; uiPort: string; db: string }) => {
      const logger = createLogger({ component: 'dev' });
      const server = await startDevServer({
        port: Number(opts.port),
        uiPort: Number(opts.uiPort),
        dbFilename: opts.db,
        logFile: join(STATE_DIR, 'dev-server.log'),
      });
      try {
        installRuntimeLogger(logger);
        // The embedded server speaks plaintext: TLS or API-key variables meant for a real cluster do not apply;
        // the payload keys do (the CLI beside it encrypts with them).
        const { LOCKSTEP_TASK_QUEUE, LOCKSTEP_ENCRYPTION_KEY, LOCKSTEP_ENCRYPTION_KEY_FILE } = process.env;
        const settings = temporalSettings({ address: server.address, namespace: server.namespace }, { LOCKSTEP_TASK_QUEUE, LOCKSTEP_ENCRYPTION_KEY, LOCKSTEP_ENCRYPTION_KEY_FILE });
        const { worker, connection } = await createReleaseWorker({ settings, logger });
        console.log(`Temporal gRPC: ${server.address}`);
        console.log(`Web UI:        ${server.uiUrl}`);
        console.log(`worker polling task queue "${settings.taskQueue}"; Ctrl-C stops the worker and the server`);
        await worker.run(); // the SDK runtime shuts the worker down on SIGINT/SIGTERM
        await connection.close();
      } finally {
        await server.stop();
      }
    });
}
