/**
 * Worker process entry point (`lockstep worker`): connects to Temporal (TEMPORAL_ADDRESS, TLS and
 * API key from the environment) and runs until SIGINT/SIGTERM. With a metrics address it serves
 * Prometheus text at /metrics: Lockstep's own metrics and the SDK's.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { createLogger, type Logger } from '../src/logging/logger';
import { createLockstepMetrics } from '../src/metrics/lockstepMetrics';
import { parseMetricsAddress } from '../src/metrics/metricsAddress';
import { startMetricsServer, type MetricsServer } from '../src/metrics/metricsServer';
import { sdkMetricsText } from '../src/metrics/sdkMetrics';
import { freePort } from '../src/net/tcpPorts';
import { temporalSettings, type TemporalFlags } from '../src/temporal/connectionOptions';
import { createReleaseWorker } from './releaseWorker';

/** Routes the SDK's own logs through pino; `sdkMetricsAddress`: where the SDK serves its Prometheus metrics. */
export function installRuntimeLogger(logger: Logger, sdkMetricsAddress?: string): void {
  const level = (process.env.LOCKSTEP_SDK_LOG_LEVEL ?? 'WARN') as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method = l.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method](meta ?? {}, message);
    }),
    ...(sdkMetricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } } : {}),
  });
}

export interface WorkerReady {
  address: string;
  taskQueue: string;
  /** Where /metrics is served, when asked for. */
  metricsUrl?: string;
}

export interface WorkerRunOptions {
  /** `host:port` to serve /metrics on (default $LOCKSTEP_METRICS_ADDRESS; none: no metrics). */
  metricsAddress?: string;
}

export async function runWorker(flags: TemporalFlags = {}, onReady?: (info: WorkerReady) => void, opts: WorkerRunOptions = {}): Promise<void> {
  const logger = createLogger({ component: 'worker' });
  const metricsAddress = opts.metricsAddress ?? (process.env.LOCKSTEP_METRICS_ADDRESS || undefined);
  const address = metricsAddress === undefined ? undefined : parseMetricsAddress(metricsAddress);
  // the SDK's exporter gets a private loopback port; /metrics appends what it serves
  const sdkMetricsAddress = address ? `127.0.0.1:${await freePort()}` : undefined;
  installRuntimeLogger(logger, sdkMetricsAddress);
  const settings = temporalSettings(flags);
  const metrics = address ? createLockstepMetrics() : undefined;
  let server: MetricsServer | undefined;
  if (address && metrics && sdkMetricsAddress) {
    server = await startMetricsServer({
      address,
      contentType: metrics.registry.contentType,
      render: async () => `${await metrics.registry.metrics()}\n${await sdkMetricsText(sdkMetricsAddress)}`,
    });
    logger.info({ metricsUrl: server.url }, 'serving metrics');
  }
  try {
    const { worker, connection } = await createReleaseWorker({ settings, logger, metrics });
    logger.info({ address: settings.address, namespace: settings.namespace, taskQueue: settings.taskQueue }, 'worker running');
    onReady?.({ address: settings.address, taskQueue: settings.taskQueue, ...(server ? { metricsUrl: server.url } : {}) });
    try {
      await worker.run();
    } finally {
      await connection.close();
    }
  } finally {
    await server?.close();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    console.error(`lockstep worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
