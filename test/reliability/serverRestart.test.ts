/**
 * The Temporal server itself goes away in the middle of a release: a dev server of this test's
 * own (SQLite file) is stopped while a deploy runs and started again on the same port and file.
 * The worker process reconnects and the release resumes where it was.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadManifest } from '../../src/manifest/loadManifest';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { startRelease } from '../../src/release/startRelease';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { FakeFleet } from '../support/fakeFleet';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';
import { acceptsConnections } from '../../src/net/tcpPorts';

const dbFilename = join(mkdtempSync(join(tmpdir(), 'lockstep-restart-')), 'temporal.db');
const logFile = join(__dirname, '..', '..', '.lockstep', 'restart-test-server.log');
let server: DevServer | undefined;
let worker: WorkerProcess | undefined;
let client: Client | undefined;

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await server?.stop();
});

describe('the Temporal server stopped and restarted on its SQLite file mid-release', () => {
  test('the release resumes where it was: Succeeded, every service on 2.0.0, no step applied twice', async () => {
    server = await startDevServer({ headless: true, dbFilename, logFile });
    const { address } = server;
    const port = Number(address.split(':').at(-1));
    const taskQueue = `restart-${randomUUID()}`;
    worker = await startWorkerProcess(taskQueue, { TEMPORAL_ADDRESS: address });
    client = new Client({ connection: await Connection.connect({ address }) });

    const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    fleet.hold('deploy', 'b'); // until the server is down
    const manifest = fleet.manifest('server-restart', fleet.chain(['a', 'b', 'c'], '2.0.0'));
    const { workflowId } = await startRelease(client, loadManifest(fleet.writeManifest(manifest)), taskQueue);

    await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b to start deploying');
    await server.stop();
    expect(await acceptsConnections(port)).toBe(false);
    // the deploy of b finishes while there is no server to report to
    fleet.letGo('deploy', 'b');
    await waitFor(() => fleet.applied().includes('deploy b 2.0.0'), 'the deploy of b to finish with the server down');
    server = await startDevServer({ headless: true, dbFilename, logFile, port });
    expect(server.address).toBe(address);

    // the release was not lost with the server: same workflow, resumed, finished
    const report = await waitFor(
      async (): Promise<ReleaseReport | false> => {
        const handle = client!.workflow.getHandle(workflowId);
        return (await handle.describe()).status.name === 'COMPLETED' && ((await handle.result()) as ReleaseReport);
      },
      'the release to complete after the restart',
      90_000,
      250,
    );
    expect(report.status).toBe('Succeeded');
    expect(['a', 'b', 'c'].map((s) => fleet.version(s))).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0', 'deploy c 2.0.0']);
    expect(fleet.events().filter((e) => e.startsWith('deploy-start'))).toHaveLength(3);
    const a = report.services.find((s) => s.name === 'a')!;
    // a, done before the outage, was not run again
    expect(a.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['current:ok', 'deploy:ok', 'probe:ok']);
    expect(a.steps.filter((s) => s.step !== 'current').map((s) => s.attempts)).toEqual([1, 1]);
    // b's deploy was applied once: its completion reached the restarted server (attempt 1), or, had it
    // been lost, the retry found 2.0.0 running and did nothing
    const deployOfB = report.services.find((s) => s.name === 'b')!.steps.find((s) => s.step === 'deploy')!;
    expect(['ok:1', 'noop:2']).toContain(`${deployOfB.outcome}:${deployOfB.attempts}`);
  });
});
