/**
 * Event-schema compatibility decides a release, against a real Apicurio Registry (its Confluent
 * API): a breaking Avro schema is Rejected in preflight with the registry's verdict and avsc's
 * reason, nothing touched; a compatible one with `register: true` is registered as a release step,
 * and a rollback deletes that version again. Real Temporal server and worker, the user-style
 * deploy script.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/loadManifest';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { startRelease } from '../../src/release/startRelease';
import { startApicurio, type RunningApicurio } from '../support/apicurio';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();
let registry: RunningApicurio;
const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'OrderPlaced', namespace: 'shop', fields });
const ID = { name: 'id', type: 'string' };

async function ccompat(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${registry.ccompatUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  registry = await startApicurio();
  for (const subject of ['orders-placed', 'orders-paid', 'orders-shipped']) {
    await ccompat('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
    await ccompat('POST', `/subjects/${subject}/versions`, { schema: record([ID]), schemaType: 'AVRO' });
  }
}, 180_000);
afterAll(async () => {
  await registry?.stop();
});

/** billing (the consumer) before orders (the producer): the order BACKWARD needs. */
async function release(fleet: FakeFleet, id: string, subject: string, schema: object[]): Promise<ReleaseReport> {
  writeFileSync(join(fleet.dir, `${id}.avsc`), record(schema));
  const manifest = fleet.manifest(id, [fleet.service('billing', '2.0.0'), fleet.service('orders', '2.0.0', { dependsOn: ['billing'] })], {
    checks: [
      { name: 'order-events', kind: 'schema', format: 'avro', subject, schema: `./${id}.avsc`, registry: { url: registry.ccompatUrl }, producers: ['orders'], consumers: ['billing'], register: true },
    ],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest, `${id}.json`)), worker.taskQueue);
  return handle.result();
}

test("a breaking schema is Rejected in preflight with the registry's verdict and avsc's reason; nothing touched, nothing registered", async () => {
  const fleet = new FakeFleet({ billing: '1.0.0', orders: '1.0.0' });
  const report = await release(fleet, 'schema-breaking', 'orders-placed', [ID, { name: 'amount', type: 'long' }]);

  expect(report.status).toBe('Rejected');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'order-events' });
  expect(report.firstError!.message).toContain('incompatible with version 1 (is_compatible: false)');
  expect(report.checks![0]!.findings.map((f) => f.message).join('\n')).toContain('no matching field for default-less shop.OrderPlaced.amount');
  expect(fleet.applied()).toEqual([]);
  expect(await ccompat('GET', '/subjects/orders-placed/versions')).toEqual([1]);
});

test('a compatible schema is registered before the deploys; when the release rolls back, that version is deleted again', async () => {
  const fleet = new FakeFleet({ billing: '1.0.0', orders: '1.0.0' });
  fleet.env.FAIL_DEPLOY = 'orders';
  const report = await release(fleet, 'schema-rollback', 'orders-paid', [ID, { name: 'amount', type: 'long', default: 0 }]);

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'orders', step: 'deploy' });
  expect(report.checks![0]).toMatchObject({ status: 'passed', registered: { subject: 'orders-paid', version: 2, alreadyRegistered: false, deleted: true } });
  expect(fleet.applied()).toEqual(['deploy billing 2.0.0', 'rollback orders 1.0.0', 'rollback billing 1.0.0']);
  expect(await ccompat('GET', '/subjects/orders-paid/versions')).toEqual([1]);
});

test('a release that succeeds keeps the version it registered', async () => {
  const fleet = new FakeFleet({ billing: '1.0.0', orders: '1.0.0' });
  const report = await release(fleet, 'schema-ok', 'orders-shipped', [ID, { name: 'note', type: 'string', default: '' }]);

  expect(report.status).toBe('Succeeded');
  expect(report.checks![0]!.registered).toMatchObject({ subject: 'orders-shipped', version: 2, alreadyRegistered: false });
  expect(await ccompat('GET', '/subjects/orders-shipped/versions')).toEqual([1, 2]);
  expect([fleet.version('billing'), fleet.version('orders')]).toEqual(['2.0.0', '2.0.0']);
});

test('producers deployed before their consumers is refused in preflight under BACKWARD, naming both', async () => {
  const fleet = new FakeFleet({ billing: '1.0.0', orders: '1.0.0' });
  writeFileSync(join(fleet.dir, 'order.avsc'), record([ID, { name: 'note', type: 'string', default: '' }]));
  const manifest = fleet.manifest('schema-order', [fleet.service('orders', '2.0.0'), fleet.service('billing', '2.0.0', { dependsOn: ['orders'] })], {
    checks: [{ name: 'order-events', kind: 'schema', format: 'avro', subject: 'orders-placed', schema: './order.avsc', registry: { url: registry.ccompatUrl }, producers: ['orders'], consumers: ['billing'] }],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  const report = await handle.result();

  expect(report.status).toBe('Rejected');
  expect(report.firstError!.message).toMatch(/orders.*billing|billing.*orders/);
  expect(report.checks![0]!.findings.find((f) => f.status === 'failed')!.message).toContain('BACKWARD');
  expect(fleet.applied()).toEqual([]);
});
