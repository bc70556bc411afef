/**
 * A test file's real worker processes and its Temporal client, started and stopped with the file:
 * `const suite = workerProcessSuite();` then `await suite.start(taskQueue)` in a hook or a test.
 */
import { Client, Connection } from '@temporalio/client';
import { startWorkerProcess, type WorkerProcess } from './workerProcess';

export interface WorkerProcessSuite {
  /** Connected in beforeAll. */
  client: Client;
  /** Every worker started; each is stopped in afterAll (a killed one is already gone). */
  readonly workers: WorkerProcess[];
  start(taskQueue: string, env?: Record<string, string>): Promise<WorkerProcess>;
}

export function workerProcessSuite(): WorkerProcessSuite {
  const workers: WorkerProcess[] = [];
  let client: Client | undefined;
  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await client?.connection.close();
  });
  return {
    get client(): Client {
      if (!client) throw new Error('the client connects in beforeAll');
      return client;
    },
    workers,
    async start(taskQueue, env) {
      const worker = await startWorkerProcess(taskQueue, env);
      workers.push(worker);
      return worker;
    },
  };
}
