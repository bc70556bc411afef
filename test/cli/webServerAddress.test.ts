/**
 * `--address` pointing at a web server instead of the gRPC frontend (the Web UI's port, 8233 beside
 * 7233, is the usual slip): exit 4 and a line that says it answers HTTP and which port to try.
 * Against plain HTTP servers on 127.0.0.1 started here.
 */
import { createServer, type Server } from 'node:http';
import { runCli } from '../support/runCli';

/** An HTTP server on the first of these ports that is free, like a Web UI (it answers any page with 200). */
async function listenOnFirstFree(ports: number[]): Promise<{ server: Server; port: number }> {
  for (const port of ports) {
    const server = createServer((_req, res) => res.end('<html>Temporal</html>'));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) return { server, port };
  }
  throw new Error(`none of the ports ${ports.join(', ')} is free`);
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(
    servers.map((s) => {
      s.closeAllConnections(); // the probe's and gRPC's sockets
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

test("a Web UI's port (a dev server's gRPC port + 1000) is named, with the gRPC port to try", async () => {
  // 8233 itself may be taken by a developer's dev server: its siblings follow the same rule
  const { server, port } = await listenOnFirstFree([18233, 28233, 38233, 48233, 58233]);
  servers.push(server);
  const result = await runCli(['list', '--address', `127.0.0.1:${port}`]);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe(
    `lockstep: cannot reach Temporal at 127.0.0.1:${port}: it answers plain HTTP (a web page), not gRPC (HTTP/1.1 200 OK); ` +
      `${port} looks like a Temporal Web UI's port (a dev server's gRPC port + 1000); the gRPC frontend is usually 7233, here perhaps ${port - 1000}: try --address 127.0.0.1:${port - 1000}\n`,
  );
});

test('any other web server: says it answers HTTP and that the frontend is gRPC, usually port 7233', async () => {
  const { server, port } = await listenOnFirstFree([0]);
  servers.push(server);
  const actual = (server.address() as { port: number }).port || port;
  const result = await runCli(['status', 'staging/checkout-42', '--address', `127.0.0.1:${actual}`]);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe(
    `lockstep: cannot reach Temporal at 127.0.0.1:${actual}: it answers plain HTTP (a web page), not gRPC (HTTP/1.1 200 OK); ` +
      'give the address of the Temporal frontend (gRPC, usually port 7233), not of the Web UI or another web server\n',
  );
});
