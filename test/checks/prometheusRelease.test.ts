/**
 * A `prometheus` analysis decides a release: a real Prometheus scrapes the orders service's
 * metrics; while the new version runs its error ratio is 0.75, so the final check fails with the
 * measured value, every service is rolled back, and the same analysis passes on the old version.
 * Real Temporal server and worker, the user-style deploy script, real HTTP metrics.
 */
import { createServer, type Server } from 'node:http';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { startPrometheus, type PrometheusServer } from '../support/prometheusServer';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();
const fleet = new FakeFleet({ payments: '1.0.0', orders: '1.0.0' });
let metrics: Server;
let prometheus: PrometheusServer;

beforeAll(async () => {
  const port = await freePort();
  // the stable version's series always; the new version's once it has been deployed
  const seen = new Set<string>(['1.0.0']);
  metrics = createServer((_req, res) => {
    seen.add(fleet.version('orders'));
    const lines = ['# TYPE orders_error_ratio gauge', ...[...seen].map((v) => `orders_error_ratio{version="${v}"} ${v === '2.0.0' ? 0.75 : 0}`)];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => metrics.listen(port, '127.0.0.1', resolve));
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
  await prometheus.untilScraped();
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await new Promise((resolve) => metrics?.close(resolve));
});

test("the canary's error ratio fails the final analysis; both services roll back and the analysis passes on the old version", async () => {
  const manifest = fleet.manifest('prometheus-release', fleet.chain(['payments', 'orders'], '2.0.0'), {
    checks: [
      {
        name: 'orders-errors',
        kind: 'prometheus',
        address: prometheus.address,
        query: 'max(orders_error_ratio{version="{{version.orders}}"})',
        pass: '< 0.5',
        alsoAfterRollback: true,
      },
    ],
  });
  // orders' probe waits until Prometheus has scraped the new version: the analysis then measures it
  fleet.hold('health', 'orders');
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  await waitFor(async () => (await prometheus.value('orders_error_ratio{version="2.0.0"}')) === 0.75, 'Prometheus to scrape orders 2.0.0', 60_000);
  fleet.letGo('health', 'orders');
  const report = await handle.result();

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'orders-errors' });
  expect(report.firstError!.message).toBe('check "orders-errors" failed: 1 of 1 samples failed: sample 1/1: 0.75 < 0.5 is false');
  const check = report.checks![0]!;
  expect(check.runs.map((r) => `${r.moment}:${r.status}`)).toEqual(['final:failed', 'afterRollback:passed']);
  expect(check.findings).toEqual([{ item: 'sample 1/1', status: 'passed', message: '0 < 0.5 is true' }]);
  expect(fleet.applied()).toEqual(['deploy payments 2.0.0', 'deploy orders 2.0.0', 'rollback orders 1.0.0', 'rollback payments 1.0.0']);
  expect([fleet.version('payments'), fleet.version('orders')]).toEqual(['1.0.0', '1.0.0']);
});
