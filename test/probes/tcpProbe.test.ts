/** The TCP probe against a real listener on 127.0.0.1. */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createTcpProbe } from '../../src/probes/tcp/tcpProbe';
import { freePort } from '../../src/net/tcpPorts';

const never = new AbortController().signal;
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

test('healthy while something accepts connections on the port', async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const attempt = await createTcpProbe({ host: '127.0.0.1', port, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt.healthy).toBe(true);
  expect(attempt.detail).toMatch(new RegExp(`^TCP 127.0.0.1:${port} accepts connections`));
});

test('unhealthy when nothing listens', async () => {
  const port = await freePort();
  const attempt = await createTcpProbe({ host: '127.0.0.1', port, attemptTimeoutMs: 2000 }).check(never);
  expect(attempt).toMatchObject({ healthy: false, detail: `TCP connect to 127.0.0.1:${port} failed: ECONNREFUSED` });
});

test('a cancelled check rejects with the reason', async () => {
  const controller = new AbortController();
  const reason = new Error('cancelled');
  controller.abort(reason);
  await expect(createTcpProbe({ host: '127.0.0.1', port: 1, attemptTimeoutMs: 2000 }).check(controller.signal)).rejects.toBe(reason);
});
