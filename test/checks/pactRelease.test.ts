/**
 * Consumer contracts decide a release: billing's pacts (written by the Pact consumer DSL) are
 * verified by the real Pact Verifier against payments as deployed. A payments version that turned
 * `amount` into a string fails the check after payments and is rolled back before billing moved,
 * with Pact's own mismatch text in the report. Real Temporal server and worker, the user-style
 * deploy script, a real HTTP provider answering as the deployed version does.
 */
import '../support/pactNoTracking';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
// the consumer DSL alone (see pact.test.ts)
import { MatchersV3, PactV3 } from '@pact-foundation/pact/src/v3';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();
const fleet = new FakeFleet({ payments: '2.4.0', billing: '1.3.0' });
let provider: Server;
let providerUrl: string;

beforeAll(async () => {
  // payments as the deployed version answers: 2.6.0 sends the amount as a string
  const port = await freePort();
  provider = createServer((req, res) => {
    const id = Number(/^\/payments\/(\d+)$/.exec(req.url ?? '')?.[1]);
    const amount = fleet.version('payments') === '2.6.0' ? '12.50' : 12.5;
    res.writeHead(id ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(id ? { id, amount, currency: 'EUR' } : {}));
  });
  await new Promise<void>((resolve) => provider.listen(port, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${port}`;
  // billing 1.4.0 and 1.5.0 both read a payment's amount as a number
  for (const version of ['1.4.0', '1.5.0']) {
    const pact = new PactV3({ consumer: 'billing', provider: 'payments', dir: join(fleet.dir, 'pacts', 'billing', version), logLevel: 'error' });
    pact
      .uponReceiving('a request for payment 42')
      .withRequest({ method: 'GET', path: '/payments/42' })
      .willRespondWith({ status: 200, body: { id: MatchersV3.integer(42), amount: MatchersV3.number(12.5), currency: MatchersV3.string('EUR') } });
    await pact.executeTest(async (mock) => {
      await fetch(`${mock.url}/payments/42`);
    });
  }
});
afterAll(async () => {
  await new Promise((resolve) => provider?.close(resolve));
});

async function release(id: string, payments: string, billing: string): Promise<ReleaseReport> {
  const manifest = fleet.manifest(id, [fleet.service('payments', payments), fleet.service('billing', billing, { dependsOn: ['payments'] })], {
    checks: [{ name: 'payments-contracts', kind: 'pact', provider: 'payments', providerBaseUrl: providerUrl, pacts: './pacts' }],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest, `${id}.json`)), worker.taskQueue);
  return handle.result();
}

test('a compatible provider passes its consumers\' pacts; a provider version that changed a field\'s type is rolled back before billing moved', async () => {
  const ok = await release('pact-ok', '2.5.0', '1.4.0');
  expect(ok.status).toBe('Succeeded');
  expect(ok.checks![0]).toMatchObject({ name: 'payments-contracts', kind: 'pact', when: 'after payments', status: 'passed', summary: '1 of 1 consumer pacts passed' });
  expect(ok.checks![0]!.findings.map((f) => `${f.item}:${f.status}`)).toEqual(['billing 1.4.0 -> payments:passed']);
  expect([fleet.version('payments'), fleet.version('billing')]).toEqual(['2.5.0', '1.4.0']);

  const broken = await release('pact-broken', '2.6.0', '1.5.0');
  expect(broken.status).toBe('RolledBack');
  expect(broken.firstError).toMatchObject({ step: 'check', check: 'payments-contracts' });
  expect(broken.firstError!.message).toContain("$.amount -> Expected '12.50' (String) to be a number");
  expect(broken.checks![0]!.findings).toEqual([
    { item: 'billing 1.5.0 -> payments', status: 'failed', message: expect.stringContaining("$.amount -> Expected '12.50' (String) to be a number") },
  ]);
  // billing never moved; payments is back on the version billing's pact passed against
  expect(fleet.applied().slice(2)).toEqual(['deploy payments 2.6.0', 'rollback payments 2.5.0']);
  expect(broken.services.find((s) => s.name === 'billing')!.status).toBe('Skipped');
  expect([fleet.version('payments'), fleet.version('billing')]).toEqual(['2.5.0', '1.4.0']);
});
