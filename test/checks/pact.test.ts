/**
 * The `pact` check against the real Pact Verifier: pacts written by the consumer DSL (PactV3) into a
 * `<pacts>/<consumer>/<version>/` folder, verified against real node:http providers on 127.0.0.1.
 */
import '../support/pactNoTracking';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// the consumer DSL alone: the package's index also loads its Verifier, whose proxy needs https-proxy-agent 9,
// an ES module jest's CommonJS runtime cannot require
import { MatchersV3, PactV3 } from '@pact-foundation/pact/src/v3';
import pino from 'pino';
import type { CheckContext } from '../../src/checks/check';
import { createCheck } from '../../src/checks/createCheck';
import { PactCheck } from '../../src/checks/pact/spec';
import { freePort } from '../../src/net/tcpPorts';
import { waitFor } from '../support/waitFor';

const { integer, number, string } = MatchersV3;

let baseDir: string;
const servers: Server[] = [];

beforeAll(async () => {
  baseDir = await mkdtemp(join(tmpdir(), 'lockstep-pact-'));
  const pacts = join(baseDir, 'pacts');
  // billing 1.4.0 reads a payment; billing 1.5.0 has no pact yet
  await writePact(pacts, 'billing', '1.4.0', 'payments', ['/payments/42'], (pact) =>
    pact
      .given('payment 42 exists', { id: 42 })
      .uponReceiving('a request for payment 42')
      .withRequest({ method: 'GET', path: '/payments/42' })
      .willRespondWith({ status: 200, body: { id: integer(42), amount: number(12.5), currency: string('EUR') } }),
  );
  await mkdir(join(pacts, 'billing', '1.5.0'), { recursive: true });
  // shop 3.0.0 also reads a payment
  await writePact(pacts, 'shop', '3.0.0', 'payments', ['/payments/7'], (pact) =>
    pact
      .uponReceiving('a request for payment 7')
      .withRequest({ method: 'GET', path: '/payments/7' })
      .willRespondWith({ status: 200, body: { id: integer(7), currency: string('EUR') } }),
  );
  // a consumer not in the manifest, and a provider not in the manifest: both expect what no provider here gives
  await writePact(pacts, 'legacy-app', '1.0.0', 'payments', ['/legacy'], (pact) =>
    pact.uponReceiving('a legacy call').withRequest({ method: 'GET', path: '/legacy' }).willRespondWith({ status: 200, body: { legacy: true } }),
  );
  await writePact(pacts, 'billing', '1.4.0', 'ledger', ['/entries/1'], (pact) =>
    pact.uponReceiving('a ledger entry').withRequest({ method: 'GET', path: '/entries/1' }).willRespondWith({ status: 200, body: { entry: integer(1) } }),
  );
  // billing 1.6.0: a file that is not JSON; billing 1.7.0: JSON that is not a pact
  await mkdir(join(pacts, 'billing', '1.6.0'), { recursive: true });
  await writeFile(join(pacts, 'billing', '1.6.0', 'billing-payments.json'), '{ "consumer": { "name": "billing" ');
  await mkdir(join(pacts, 'billing', '1.7.0'), { recursive: true });
  await writeFile(join(pacts, 'billing', '1.7.0', 'billing-payments.json'), '{ "hello": "world" }');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await rm(baseDir, { recursive: true, force: true });
});

/** payments as it answers in version 2.5.0 (compatible) or 2.6.0 (amount became a string). */
const payments = (amount: unknown): RequestListener => (req, res) => {
  const id = Number(/^\/payments\/(\d+)$/.exec(req.url ?? '')?.[1]);
  res.setHeader('content-type', 'application/json');
  if (!id) {
    res.statusCode = 404;
    res.end('{}');
    return;
  }
  res.end(JSON.stringify({ id, amount, currency: 'EUR' }));
};

test('a compatible provider passes every consumer pact, named by consumer version', async () => {
  const url = await startProvider(payments(12.5));
  const outcome = await run({ providerBaseUrl: url });
  expect(outcome).toEqual({
    status: 'passed',
    summary: '2 of 2 consumer pacts passed',
    findings: [
      { item: 'billing 1.4.0 -> payments', status: 'passed', message: '1 interaction verified against 2.5.0 (billing-payments.json)' },
      { item: 'shop 3.0.0 -> payments', status: 'passed', message: '1 interaction verified against 2.5.0 (shop-payments.json)' },
    ],
  });
});

test("a provider that changed a field's type fails with Pact's own mismatch text", async () => {
  const url = await startProvider(payments('12.50'));
  const outcome = await run({ providerBaseUrl: url }, { versions: { payments: '2.6.0', billing: '1.4.0', shop: '3.0.0' } });
  const mismatch = "Given payment 42 exists - a request for payment 42: $.amount -> Expected '12.50' (String) to be a number";
  expect(outcome.status).toBe('failed');
  expect(outcome.findings).toEqual([
    { item: 'billing 1.4.0 -> payments', status: 'failed', message: mismatch },
    { item: 'shop 3.0.0 -> payments', status: 'passed', message: '1 interaction verified against 2.6.0 (shop-payments.json)' },
  ]);
  expect(outcome.summary).toBe(`1 of 2 consumer pacts failed: billing 1.4.0 -> payments: ${mismatch}`);
});

test('a consumer version with no pact for the provider fails the check', async () => {
  const url = await startProvider(payments(12.5));
  const outcome = await run({ providerBaseUrl: url }, { versions: { payments: '2.5.0', billing: '1.5.0', shop: '3.0.0' } });
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[0]).toEqual({
    item: 'billing 1.5.0 -> payments',
    status: 'failed',
    message: 'no pact for provider payments in pacts/billing/1.5.0',
  });
});

test('a service that dependsOn the provider is a consumer even without a pacts folder', async () => {
  const url = await startProvider(payments(12.5));
  const services = [...SERVICES, { name: 'checkout', dependsOn: ['payments'] }];
  const outcome = await run({ providerBaseUrl: url }, { services, versions: { ...VERSIONS, checkout: '0.9.0' } });
  expect(outcome.findings.map((f) => `${f.item}: ${f.status}: ${f.message}`)).toEqual([
    'billing 1.4.0 -> payments: passed: 1 interaction verified against 2.5.0 (billing-payments.json)',
    'checkout 0.9.0 -> payments: failed: no pact for provider payments in pacts/checkout/0.9.0',
    'shop 3.0.0 -> payments: passed: 1 interaction verified against 2.5.0 (shop-payments.json)',
  ]);
});

test('a pacts directory that does not exist is a failed finding naming it', async () => {
  const outcome = await run({ providerBaseUrl: 'http://127.0.0.1:1', pacts: './no-such-pacts' });
  const message = `pacts directory ${join(baseDir, 'no-such-pacts')} does not exist`;
  expect(outcome).toEqual({ status: 'failed', summary: message, findings: [{ item: './no-such-pacts', status: 'failed', message }] });
});

test('a malformed pact file (not JSON, not a pact) is a failed finding naming the file', async () => {
  const url = await startProvider(payments(12.5));
  const notJson = await run({ providerBaseUrl: url }, { versions: { ...VERSIONS, billing: '1.6.0' } });
  expect(notJson.status).toBe('failed');
  expect(notJson.findings[0]!.item).toBe('billing 1.6.0 -> payments');
  expect(notJson.findings[0]!.message).toMatch(/^pacts\/billing\/1\.6\.0\/billing-payments\.json: not valid JSON \(.+\)$/);
  const notAPact = await run({ providerBaseUrl: url }, { versions: { ...VERSIONS, billing: '1.7.0' } });
  expect(notAPact.findings[0]).toEqual({
    item: 'billing 1.7.0 -> payments',
    status: 'failed',
    message: 'pacts/billing/1.7.0/billing-payments.json: not a pact: it needs consumer.name, provider.name and a list of interactions',
  });
});

test('pacts whose consumer or provider is not a manifest service are ignored', async () => {
  // legacy-app's pact for payments and billing's pact for ledger would both fail against this provider
  const url = await startProvider(payments(12.5));
  const outcome = await run({ providerBaseUrl: url });
  expect(outcome.status).toBe('passed');
  expect(outcome.findings.map((f) => f.item)).toEqual(['billing 1.4.0 -> payments', 'shop 3.0.0 -> payments']);
  // with legacy-app in the manifest, its pact counts
  const services = [...SERVICES, { name: 'legacy-app', dependsOn: [] }];
  const withLegacy = await run({ providerBaseUrl: url }, { services, versions: { ...VERSIONS, 'legacy-app': '1.0.0' } });
  expect(withLegacy.findings.find((f) => f.item === 'legacy-app 1.0.0 -> payments')).toEqual({
    item: 'legacy-app 1.0.0 -> payments',
    status: 'failed',
    message: 'a legacy call: $ -> Actual map is missing the following keys: legacy; expected 200 but was 404',
  });
});

test('a provider that refuses connections is a failed finding with the Verifier\'s reason', async () => {
  const port = await freePort();
  const outcome = await run({ providerBaseUrl: `http://127.0.0.1:${port}` });
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[0]).toEqual({
    item: 'billing 1.4.0 -> payments',
    status: 'failed',
    message: `Given payment 42 exists - a request for payment 42: error sending request for url (http://127.0.0.1:${port}/payments/42)`,
  });
});

test('providerStatesSetupUrl gets the setup and teardown of each state; a failing one fails the pact', async () => {
  const stateCalls: unknown[] = [];
  let stateStatus = 200;
  const url = await startProvider((req, res) => {
    if (req.url !== '/_pact/state') return payments(12.5)(req, res);
    void body(req).then((text) => {
      stateCalls.push(JSON.parse(text));
      res.statusCode = stateStatus;
      res.end('{}');
    });
  });
  const spec = { providerBaseUrl: url, providerStatesSetupUrl: `${url}/_pact/state` };
  expect((await run(spec)).status).toBe('passed');
  expect(stateCalls).toEqual([
    { action: 'setup', state: 'payment 42 exists', params: { id: 42 } },
    { action: 'teardown', state: 'payment 42 exists', params: { id: 42 } },
    // shop's interaction names no state: the Verifier still calls, with an empty one
    { action: 'setup', state: '', params: {} },
    { action: 'teardown', state: '', params: {} },
  ]);
  stateStatus = 500;
  const failing = await run(spec);
  expect(failing.findings[0]).toEqual({
    item: 'billing 1.4.0 -> payments',
    status: 'failed',
    message: 'Given payment 42 exists - a request for payment 42: One or more of the setup state change handlers has failed',
  });
});

test('two checks verify at the same time, each with its own result', async () => {
  const good = await startProvider(payments(12.5));
  const bad = await startProvider(payments('12.50'));
  const [passing, failing] = await Promise.all([run({ providerBaseUrl: good }), run({ providerBaseUrl: bad })]);
  expect(passing.status).toBe('passed');
  expect(failing.findings.map((f) => f.status)).toEqual(['failed', 'passed']);
});

test('an abort while the Verifier waits on the provider rejects the run', async () => {
  const held: (() => void)[] = [];
  const url = await startProvider((req, res) => {
    held.push(() => payments(12.5)(req, res));
  });
  const controller = new AbortController();
  const running = run({ providerBaseUrl: url }, { signal: controller.signal });
  await waitFor(() => held.length > 0, 'the Verifier to call the provider');
  controller.abort(new Error('release cancelled'));
  await expect(running).rejects.toThrow('release cancelled');
  for (const answer of held) answer();
});

// --- the pieces ---

const SERVICES = [
  { name: 'payments', dependsOn: [] },
  { name: 'billing', dependsOn: [] }, // a consumer found by its pacts alone
  { name: 'shop', dependsOn: ['payments'] },
];
const VERSIONS = { payments: '2.5.0', billing: '1.4.0', shop: '3.0.0' };

function run(block: Record<string, unknown>, ctx: Partial<CheckContext> = {}) {
  const check = PactCheck.parse({ name: 'payments-pacts', kind: 'pact', provider: 'payments', pacts: './pacts', ...block });
  return createCheck(check).run({
    releaseId: 'r1',
    environment: 'staging',
    check: check.name,
    moment: 'after',
    run: 1,
    baseDir,
    versions: VERSIONS,
    services: SERVICES,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
    logger: pino({ level: 'silent' }),
    ...ctx,
  });
}

/**
 * A consumer test with the Pact DSL: the consumer calls the mock provider at `paths`, then the pact
 * lands in `<pacts>/<consumer>/<version>/<consumer>-<provider>.json`.
 */
async function writePact(pacts: string, consumer: string, version: string, provider: string, paths: string[], define: (pact: PactV3) => PactV3) {
  const pact = define(new PactV3({ consumer, provider, dir: join(pacts, consumer, version), logLevel: 'error' }));
  await pact.executeTest(async (mock) => {
    for (const path of paths) await fetch(`${mock.url}${path}`);
  });
}

async function startProvider(listener: RequestListener): Promise<string> {
  const port = await freePort();
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  return `http://127.0.0.1:${port}`;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolveBody(text));
    req.on('error', reject);
  });
}
