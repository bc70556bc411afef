/**
 * TCP ports on this machine: one that is free right now, and whether one accepts connections.
 * Used by the dev server (its ports and its readiness) and by the tests.
 */
import { createConnection, createServer } from 'node:net';

/** A port the OS says is free on `ip` right now (listen on port 0, read it, close). */
export function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as { port: number }; // a TCP listener's address is an object
      server.close(() => resolvePort(port));
    });
  });
}

/** True if a TCP connection to host:port is accepted within `timeoutMs`. */
export function acceptsConnections(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
