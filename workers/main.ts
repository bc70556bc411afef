/**
 * Worker process entry point (`lockstep worker`): connects to Temporal (TEMPORAL_ADDRESS, TLS and
 * API key from the environment) and runs until SIGINT/SIGTERM.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { createLogger, type Logger } from '../src/logging/logger';
import { temporalSettings, type TemporalFlags } from '../src/temporal/connectionOptions';
import { createReleaseWorker } from './releaseWorker';

/** Routes the SDK's own logs through pino. */
export function installRuntimeLogger(logger: Logger): void {
  const level = (process.env.LOCKSTEP_SDK_LOG_LEVEL ?? 'WARN') as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method = l.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method](meta ?? {}, message);
    }),
  });
}

export async function runWorker(flags: TemporalFlags = {}, onReady?: (info: { address: string; taskQueue: string }) => void): Promise<void> {
  const logger = createLogger({ component: 'worker' });
  installRuntimeLogger(logger);
  const settings = temporalSettings(flags);
  const { worker, connection } = await createReleaseWorker({ settings, logger });
  logger.info({ address: settings.address, namespace: settings.namespace, taskQueue: settings.taskQueue }, 'worker running');
  onReady?.({ address: settings.address, taskQueue: settings.taskQueue });
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    console.error(`lockstep worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
