/** The HTTP probe against real HTTP servers on 127.0.0.1. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpProbe } from '../../src/probes/http/httpProbe';
import { freePort } from '../../src/net/tcpPorts';

type Handler = (res: ServerResponse) => void;
let handler: Handler;
let server: Server;
let url: string;
const never = new AbortController().signal;

beforeAll(async () => {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (status: number, body: unknown): Handler => (res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

test('healthy when the status is the expected one', async () => {
  handler = json(200, { status: 'ok' });
  const attempt = await createHttpProbe({ url, expectStatus: 200, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt.healthy).toBe(true);
  expect(attempt.detail).toMatch(new RegExp(`^HTTP 200 from ${url} in \\d+ms$`));
  expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
});

test('unhealthy on another status, saying what came back', async () => {
  handler = (res) => {
    res.writeHead(503);
    res.end('database connection pool exhausted\nmore detail');
  };
  const attempt = await createHttpProbe({ url, expectStatus: 200, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt).toMatchObject({
    healthy: false,
    detail: `HTTP 503 from ${url} (expected 200): database connection pool exhausted`,
  });
  handler = json(204, {});
  expect((await createHttpProbe({ url, expectStatus: 204, attemptTimeoutMs: 2000 }).check(never)).healthy).toBe(true);
});

test('expectJson: every given key must deep-equal the body', async () => {
  const probe = createHttpProbe({ url, expectStatus: 200, expectJson: { status: 'ok', checks: { db: true } }, attemptTimeoutMs: 2000 });
  handler = json(200, { status: 'ok', checks: { db: true }, uptime: 12 });
  expect((await probe.check(never)).healthy).toBe(true);

  handler = json(200, { status: 'starting', checks: { db: true } });
  expect(await probe.check(never)).toMatchObject({ healthy: false, detail: `HTTP 200 from ${url}, but "status" is "starting" (expected "ok")` });

  handler = json(200, { status: 'ok', checks: { db: false } });
  expect((await probe.check(never)).detail).toContain('"checks" is {"db":false} (expected {"db":true})');

  handler = json(200, { checks: { db: true } });
  expect((await probe.check(never)).detail).toContain('"status" is missing');

  handler = (res) => res.end('<html>ok</html>');
  expect((await probe.check(never)).detail).toContain('the body is not JSON');
});

test('maxLatency: a slow answer is unhealthy', async () => {
  handler = (res) => setTimeout(() => res.end('ok'), 150);
  const attempt = await createHttpProbe({ url, expectStatus: 200, maxLatencyMs: 50, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt.healthy).toBe(false);
  expect(attempt.detail).toMatch(/slower than maxLatency 50ms/);
});

test('no answer within the attempt timeout is unhealthy, not an error', async () => {
  handler = () => undefined; // never answers
  const attempt = await createHttpProbe({ url, expectStatus: 200, attemptTimeoutMs: 200 }).check(never);
  expect(attempt).toMatchObject({ healthy: false, detail: `no answer from ${url} within 200ms` });
});

test('a refused connection is unhealthy with the reason', async () => {
  const closed = `http://127.0.0.1:${await freePort()}/healthz`;
  const attempt = await createHttpProbe({ url: closed, expectStatus: 200, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt.healthy).toBe(false);
  expect(attempt.detail).toMatch(new RegExp(`^GET ${closed} failed: .*ECONNREFUSED`));
});

test('a cancelled check rejects with the reason', async () => {
  handler = () => undefined;
  const controller = new AbortController();
  const check = createHttpProbe({ url, expectStatus: 200, attemptTimeoutMs: 10_000 }).check(controller.signal);
  const reason = new Error('cancelled');
  setImmediate(() => controller.abort(reason));
  await expect(check).rejects.toBe(reason);
});
