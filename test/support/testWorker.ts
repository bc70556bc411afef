/** An in-process release worker on its own task queue, against the suite's real Temporal server. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createReleaseWorker } from '../../workers/releaseWorker';
import type { ReleaseActivities } from '../../activities';
import { temporalSettings, type TemporalSettings } from '../../src/temporal/connectionOptions';
import { createLogger } from '../../src/logging/logger';

export interface TestWorker {
  client: Client;
  settings: TemporalSettings;
  taskQueue: string;
  stop(): Promise<void>;
}

export function testSettings(taskQueue = `test-${randomUUID()}`): TemporalSettings {
  return temporalSettings({ address: process.env.TEMPORAL_ADDRESS, namespace: 'default', taskQueue });
}

export interface TestWorkerOptions {
  /** The worker's activities; default: the built-in targets and probes (as `lockstep worker` has). */
  activities?: ReleaseActivities;
}

export async function startTestWorker(opts: TestWorkerOptions = {}): Promise<TestWorker> {
  const settings = testSettings();
  const logger = createLogger({ component: 'test-worker' });
  logger.level = process.env.LOCKSTEP_TEST_LOG_LEVEL ?? 'silent';
  const { worker, connection } = await createReleaseWorker({ settings, logger, activities: opts.activities });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address: settings.address });
  const client = new Client({ connection: clientConnection, namespace: settings.namespace });
  return {
    client,
    settings,
    taskQueue: settings.taskQueue,
    async stop() {
      await shutdown(worker, running);
      await connection.close();
      await clientConnection.close();
    },
  };
}

async function shutdown(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

/**
 * A test file's in-process worker, started in beforeAll and stopped in afterAll:
 * `const worker = testWorkerSuite();` then `worker.client` and `worker.taskQueue` inside tests.
 */
export function testWorkerSuite(opts: TestWorkerOptions = {}): Omit<TestWorker, 'stop'> {
  let started: TestWorker | undefined;
  beforeAll(async () => {
    started = await startTestWorker(opts);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestWorker => {
    if (!started) throw new Error('the test worker starts in beforeAll');
    return started;
  };
  return {
    get client() {
      return current().client;
    },
    get settings() {
      return current().settings;
    },
    get taskQueue() {
      return current().taskQueue;
    },
  };
}
