/**
 * Whether an address answers plain HTTP/1.x: a web server where the Temporal frontend (gRPC, which
 * is HTTP/2 only) was expected, most often the Web UI (the dev server's is on its gRPC port + 1000,
 * 8233 beside 7233). Asked only after gRPC failed to connect, so a real frontend never sees it.
 */
import { connect } from 'node:net';

/** The status line of the answer to `GET /` (`HTTP/1.1 200 OK`), or undefined when none came in time. */
export function httpStatusLine(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const timer = setTimeout(() => settle(undefined), timeoutMs).unref();
    function settle(line: string | undefined): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    }
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end >= 0 || received.length > 256) {
        const line = (end >= 0 ? received.slice(0, end) : received).trim();
        settle(/^HTTP\/1\.[01] \d{3}/.test(line) ? line : undefined);
      }
    });
    socket.once('error', () => settle(undefined));
    socket.once('close', () => settle(undefined));
  });
}

/** What to say about an address whose server answered HTTP/1.x instead of gRPC. */
export function webServerHint(address: string, port: number): { reason: string; hint: string } {
  const reason = 'it answers plain HTTP (a web page), not gRPC';
  const tryPort = (p: number) => `try --address ${address.replace(/:\d+$/, `:${p}`)}`;
  if (port === 8233) return { reason, hint: `8233 looks like the Temporal Web UI's port; the gRPC frontend is usually 7233: ${tryPort(7233)}` };
  // the dev server puts its Web UI at its gRPC port + 1000
  if (port > 8233 && port % 1000 === 233) {
    return {
      reason,
      hint: `${port} looks like a Temporal Web UI's port (a dev server's gRPC port + 1000); the gRPC frontend is usually 7233, here perhaps ${port - 1000}: ${tryPort(port - 1000)}`,
    };
  }
  return { reason, hint: 'give the address of the Temporal frontend (gRPC, usually port 7233), not of the Web UI or another web server' };
}
