/**
 * A synthetic business transaction decides a 3-service release: place an order, payments must pay
 * it. With the new payments version the order is never paid, so the final transaction fails, every
 * service is rolled back, and the transaction runs again after the rollback and passes on the old
 * versions. Real Temporal server and worker, the user-style deploy script, a real HTTP orders
 * service that answers as the deployed versions do.
 */
import { createServer, type Server } from 'node:http';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();
const fleet = new FakeFleet({ db: '1.0.0', payments: '1.0.0', orders: '1.0.0' });
let shop: Server;
let shopUrl: string;

beforeAll(async () => {
  const orders = new Map<string, string>();
  shop = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'POST' && req.url === '/orders') {
      const id = `ord-${orders.size + 1}`;
      orders.set(id, 'created');
      return json(201, { id, state: 'created', version: fleet.version('orders') });
    }
    const id = /^\/orders\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (req.method === 'GET' && id && orders.has(id)) {
      // payments 2.0.0 never settles an order
      const paid = fleet.version('payments') !== '2.0.0';
      return json(200, { id, state: paid ? 'paid' : 'created', paidBy: paid ? { service: 'payments', version: fleet.version('payments') } : null });
    }
    return json(404, { error: 'no such order' });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => shop.listen(port, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((resolve) => shop?.close(resolve));
});

test('the final transaction fails on the new versions: all three roll back, and it passes again on the old ones', async () => {
  const manifest = fleet.manifest('synthetic-release', fleet.chain(['db', 'payments', 'orders'], '2.0.0'), {
    checks: [
      {
        name: 'checkout-flow',
        kind: 'synthetic',
        alsoAfterRollback: true,
        steps: [
          {
            name: 'place an order',
            request: { method: 'POST', url: `${shopUrl}/orders`, json: { item: 'book' } },
            expect: { status: 201, json: { state: 'created', version: '{{version.orders}}' } },
            capture: { orderId: '$.id' },
          },
          { name: 'payments paid it', request: { url: `${shopUrl}/orders/{{orderId}}` }, expect: { status: 200, json: { state: 'paid' } } },
        ],
      },
    ],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  const report = await handle.result();

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'checkout-flow' });
  expect(report.firstError!.message).toContain('$.state: expected "paid", got "created"');
  expect(fleet.applied()).toEqual([
    'deploy db 2.0.0',
    'deploy payments 2.0.0',
    'deploy orders 2.0.0',
    'rollback orders 1.0.0',
    'rollback payments 1.0.0',
    'rollback db 1.0.0',
  ]);
  const check = report.checks![0]!;
  expect(check.runs.map((r) => `${r.moment}:${r.status}`)).toEqual(['final:failed', 'afterRollback:passed']);
  expect(check.findings.map((f) => `${f.item.split(':')[0]}:${f.status}`)).toEqual(['place an order:passed', 'payments paid it:passed']);
  expect(['db', 'payments', 'orders'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0']);
});
