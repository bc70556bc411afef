/**
 * The synthetic check against a real orders service (node:http on 127.0.0.1): POST /orders creates
 * an order, GET /orders/:id shows it paid in the good version, still created or a 500 in the bad ones.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckContext, CheckOutcome } from '../../src/checks/check';
import { Check } from '../../src/checks/checkKinds';
import { createCheck } from '../../src/checks/createCheck';
import { createLogger } from '../../src/logging/logger';
import { freePort } from '../../src/net/tcpPorts';
import { waitFor } from '../support/waitFor';

type Version = 'good' | 'unpaid' | 'broken';
let version: Version = 'good';
/** When set, GET /orders/:id answers only once the test calls release(). */
let holding = false;
const held: (() => void)[] = [];
const orders = new Map<string, { id: string; item: string; state: string }>();
let server: Server;
let base: string;

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text) as Record<string, unknown>;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'POST' && req.url === '/orders') {
    const { item } = await readJson(req);
    const order = { id: `ord-${orders.size + 1}`, item: String(item), state: 'created' };
    orders.set(order.id, order);
    return answer(res, 201, { ...order, version: '2.0.0', trace: req.headers['x-trace'] ?? null });
  }
  const found = /^\/orders\/([^/]+)$/.exec(req.url ?? '');
  if (req.method === 'GET' && found) {
    const order = orders.get(found[1]!);
    const respond = (): void => {
      if (!order) return answer(res, 404, { error: `no order ${found[1]}` });
      if (version === 'broken') return answer(res, 500, { error: 'payments unreachable: connect ECONNREFUSED 127.0.0.1:7312' });
      answer(res, 200, { ...order, state: version === 'good' ? 'paid' : 'created' });
    };
    if (holding) held.push(respond);
    else respond();
    return;
  }
  answer(res, 404, { error: 'not found' });
}

function release(): void {
  for (const respond of held.splice(0)) respond();
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  holding = false;
  release();
  version = 'good';
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const logger = createLogger({ component: 'synthetic-test' });
logger.level = 'error';

function context(signal = new AbortController().signal): CheckContext {
  return {
    releaseId: 'r1',
    environment: 'staging',
    check: 'checkout-flow',
    moment: 'final',
    run: 1,
    baseDir: __dirname,
    versions: { orders: '2.0.0', payments: '2.0.0' },
    services: [{ name: 'payments', dependsOn: [] }, { name: 'orders', dependsOn: ['payments'] }],
    signal,
    heartbeat: () => undefined,
    logger,
  };
}

/** The checkout transaction of the design: create an order, read it back paid. */
function checkout(extra: { getExpect?: Record<string, unknown>; timeout?: string; url?: string } = {}) {
  return Check.parse({
    name: 'checkout-flow',
    kind: 'synthetic',
    ...(extra.timeout ? { timeout: extra.timeout } : {}),
    steps: [
      {
        name: 'create',
        request: { method: 'POST', url: `${extra.url ?? base}/orders`, json: { item: 'book' }, headers: { 'x-trace': 'run-{{version.orders}}' } },
        expect: { status: 201, json: { state: 'created', version: '{{version.orders}}', trace: 'run-{{version.orders}}' } },
        capture: { orderId: '$.id' },
      },
      {
        name: 'paid',
        request: { url: `${extra.url ?? base}/orders/{{orderId}}` },
        expect: extra.getExpect ?? { status: 200, json: { id: '{{orderId}}', state: 'paid' } },
      },
      { request: { url: `${extra.url ?? base}/orders/{{orderId}}` } },
    ],
  });
}

const run = (check: Check, signal?: AbortSignal): Promise<CheckOutcome> => createCheck(check).run(context(signal));

test('the good version passes; a captured id and the versions fill later URLs, headers and expectations', async () => {
  const outcome = await run(checkout());
  expect(outcome.status).toBe('passed');
  expect(outcome.summary).toBe('3 of 3 steps passed');
  const [create, paid, again] = outcome.findings;
  expect(create).toMatchObject({ item: `create: POST ${base}/orders`, status: 'passed' });
  const id = /captured orderId = "(ord-\d+)"$/.exec(create!.message)?.[1];
  expect(create!.message).toMatch(/^HTTP 201 in \d+ms; captured orderId = "ord-\d+"$/);
  expect(paid).toMatchObject({ item: `paid: GET ${base}/orders/${id}`, status: 'passed' });
  expect(paid!.message).toMatch(/^HTTP 200 in \d+ms$/);
  expect(again).toMatchObject({ item: `GET ${base}/orders/${id}`, status: 'passed' });
});

test('a JSON mismatch names the field, the expected and the received value; the transaction stops there', async () => {
  version = 'unpaid';
  const outcome = await run(checkout());
  expect(outcome.status).toBe('failed');
  const [create, paid, third] = outcome.findings;
  expect(create!.status).toBe('passed');
  expect(paid!.status).toBe('failed');
  expect(paid!.message).toMatch(/^HTTP 200 in \d+ms, but \$\.state: expected "paid", got "created"; the body was \{"id":"ord-\d+","item":"book","state":"created"\}$/);
  expect(third).toMatchObject({ status: 'failed', message: 'not run: an earlier step failed' });
  expect(outcome.summary).toBe(`step 2 of 3 failed: ${paid!.item}: ${paid!.message}`);
});

test('a field missing from the body is named by its JSON path', async () => {
  const outcome = await run(checkout({ getExpect: { json: { payment: { method: 'card' }, state: 'paid' } } }));
  expect(outcome.findings[1]!.message).toMatch(/^HTTP 200 in \d+ms, but \$\.payment: expected \{"method":"card"\}, got no such field; the body was \{"id":"ord-\d+",/);
});

test('a wrong status fails the step with the service\'s own reason', async () => {
  version = 'broken';
  const outcome = await run(checkout());
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[1]!.message).toMatch(
    /^expected HTTP 200, got HTTP 500 in \d+ms: \{"error":"payments unreachable: connect ECONNREFUSED 127\.0\.0\.1:7312"\}$/,
  );
  expect(outcome.summary).toMatch(/^step 2 of 3 failed: paid: GET .*\/orders\/ord-\d+: expected HTTP 200, got HTTP 500/);
});

test('a capture that is not in the body fails its step', async () => {
  const check = Check.parse({
    name: 'checkout-flow',
    kind: 'synthetic',
    steps: [
      { request: { method: 'POST', url: `${base}/orders`, json: { item: 'pen' } }, expect: { status: 201 }, capture: { orderId: '$.order.id' } },
      { request: { url: `${base}/orders/{{orderId}}` } },
    ],
  });
  const outcome = await run(check);
  expect(outcome.findings[0]!.message).toMatch(/^HTTP 201 in \d+ms, but capture orderId: \$\.order\.id is not in the body \{"id":"ord-\d+",/);
  expect(outcome.findings[1]).toMatchObject({ item: `GET ${base}/orders/{{orderId}}`, status: 'failed', message: 'not run: an earlier step failed' });
  expect(outcome.summary).toMatch(/^step 1 of 2 failed: POST /);
});

test('an answer slower than maxLatency fails the step', async () => {
  holding = true;
  const outcome = run(checkout({ getExpect: { status: 200, maxLatency: '1ms' } }));
  // the service holds the answer until the test has seen the request arrive (at least one poll later)
  await waitFor(() => held.length > 0, 'the GET to be held');
  release();
  const finding = (await outcome).findings[1]!;
  expect(finding.status).toBe('failed');
  expect(finding.message).toMatch(/^HTTP 200 in \d+ms, but slower than maxLatency 1ms$/);
});

test('a refused connection is a failed finding with the cause, not a throw', async () => {
  const closed = await freePort();
  const outcome = await run(checkout({ url: `http://127.0.0.1:${closed}` }));
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[0]).toMatchObject({
    item: `create: POST http://127.0.0.1:${closed}/orders`,
    status: 'failed',
    message: `no response: connect ECONNREFUSED 127.0.0.1:${closed}`,
  });
  expect(outcome.findings.slice(1).map((f) => f.message)).toEqual(['not run: an earlier step failed', 'not run: an earlier step failed']);
});

test('no answer within the check\'s timeout is a failed finding', async () => {
  holding = true;
  const outcome = await run(checkout({ timeout: '300ms' }));
  expect(outcome.findings[1]).toMatchObject({ status: 'failed', message: "no response within the check's timeout (300ms)" });
});

test('cancelling through ctx.signal rejects the run', async () => {
  holding = true;
  const controller = new AbortController();
  const outcome = run(checkout(), controller.signal);
  await waitFor(() => held.length > 0, 'the GET to be held');
  controller.abort(new Error('the release failed elsewhere'));
  await expect(outcome).rejects.toThrow('the release failed elsewhere');
});
