/**
 * A network partition between the worker and one service: the worker reaches the service's health
 * endpoint only through a fault-injecting TCP proxy (test/support/faultProxy.ts) that the test cuts
 * and heals. The service is a real HTTP server on 127.0.0.1; the deploy script is the fake target.
 */
import { createServer, type Server } from 'node:http';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { statusQuery } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startTestWorker, type TestWorker } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

let worker: TestWorker;
let service: Server;
let servicePort: number;
let healthRequests = 0;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  worker = await startTestWorker();
  service = createServer((_req, res) => {
    healthRequests++;
    res.end('ok');
  });
  servicePort = await new Promise<number>((resolveListen) =>
    service.listen(0, '127.0.0.1', () => resolveListen((service.address() as { port: number }).port)),
  );
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  service?.closeAllConnections();
  await new Promise((r) => service?.close(r));
  await worker?.stop();
});

describe('a network partition between the worker and one service, healed during the rollback', () => {
  test('blackholed probe fails the release; healed before the verify probe: RolledBack, every service on 1.0.0, each step applied once', async () => {
    const proxy = await startFaultProxy(servicePort);
    proxies.push(proxy);
    const fleet = new FakeFleet({ db: '1.0.0', api: '1.0.0' });
    fleet.hold('rollback', 'db'); // the network is healed while db rolls back
    const manifest = fleet.manifest('partition', [fleet.service('db', '2.0.0'), fleet.service('api', '2.0.0', { dependsOn: ['db'] })]);
    manifest.spec.services[1]!.health = { http: { url: `http://127.0.0.1:${proxy.port}/healthz` }, interval: '100ms', timeout: '2s' };

    await proxy.cut('blackhole');
    const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'RollingBack', 'the release to roll back');
    const requestsDuringPartition = healthRequests;
    await waitFor(() => fleet.events().some((e) => e.startsWith('rollback-start db')), 'the rollback of db to start');
    await proxy.heal();
    fleet.letGo('rollback', 'db');
    const report = await handle.result();

    expect(requestsDuringPartition).toBe(0); // nothing got through the partition
    expect(report.status).toBe('RolledBack');
    expect(report.firstError).toMatchObject({ service: 'api', step: 'probe' });
    // the one attempt hung in the blackhole until the gate's timeout
    expect(report.firstError!.message).toMatch(
      /^health probe of api failed: not healthy after 2s \(1 attempt; last: (attempt 1 did not finish before the timeout|no answer from http:\/\/127\.0\.0\.1:\d+\/healthz within 2s)\)$/,
    );
    expect(fleet.applied()).toEqual(['deploy db 2.0.0', 'deploy api 2.0.0', 'rollback api 1.0.0', 'rollback db 1.0.0']);
    expect([fleet.version('db'), fleet.version('api')]).toEqual(['1.0.0', '1.0.0']);
    // after the heal, the restored api was shown healthy through the same network path
    const api = report.services.find((s) => s.name === 'api')!;
    expect(api.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['current:ok', 'deploy:ok', 'probe:failed', 'rollback:ok', 'verify:ok']);
    expect(healthRequests).toBeGreaterThan(0);
    expect(proxy.connections).toBeGreaterThan(1);
  });

  test('a partition that refuses connections and is never healed: the verify probe fails, RollbackFailed names it', async () => {
    const proxy = await startFaultProxy(servicePort);
    proxies.push(proxy);
    const fleet = new FakeFleet({ api: '1.0.0' });
    const manifest = fleet.manifest('partition-unhealed', [fleet.service('api', '2.0.0')]);
    manifest.spec.services[0]!.health = { http: { url: `http://127.0.0.1:${proxy.port}/healthz` }, interval: '100ms', timeout: '1s' };
    await proxy.cut('refuse');
    const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
    const report = await handle.result();

    expect(report.status).toBe('RollbackFailed');
    expect(report.firstError!.message).toMatch(/last: GET http:\/\/127\.0\.0\.1:\d+\/healthz failed: connect ECONNREFUSED/);
    expect(report.rollbackFailures).toEqual([expect.objectContaining({ service: 'api', step: 'verify' })]);
    expect(fleet.applied()).toEqual(['deploy api 2.0.0', 'rollback api 1.0.0']);
    expect(fleet.version('api')).toBe('1.0.0'); // restored; only its health could not be shown
  });
});
