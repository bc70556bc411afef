/**
 * A fault-injecting TCP proxy on 127.0.0.1: the network between the worker and one service.
 * `cut('refuse')` closes the listening port (new connections are refused) and drops open ones;
 * `cut('blackhole')` keeps accepting but forwards nothing either way, and freezes open connections
 * (nothing arrives, nothing fails: what a dropped route looks like); `heal()` forwards again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type PartitionMode = 'refuse' | 'blackhole';

export interface FaultProxy {
  /** The proxy's port: point the client here instead of at the service. */
  port: number;
  readonly mode: 'open' | PartitionMode;
  /** Connections accepted so far (blackholed ones included). */
  readonly connections: number;
  cut(mode: PartitionMode): Promise<void>;
  heal(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamPort: number, upstreamHost = '127.0.0.1'): Promise<FaultProxy> {
  let mode: 'open' | PartitionMode = 'open';
  let connections = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections++;
    open.add(client);
    client.on('error', () => undefined);
    client.once('close', () => open.delete(client));
    if (mode === 'blackhole') {
      client.pause(); // read nothing, answer nothing
      return;
    }
    const upstream = connect({ port: upstreamPort, host: upstreamHost });
    open.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.once('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolveListen((server.address() as { port: number }).port);
      });
    });
  const stopListening = () => new Promise<void>((resolveClose) => (server.listening ? server.close(() => resolveClose()) : resolveClose()));
  const port = await listen(0);

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return connections;
    },
    async cut(next) {
      mode = next;
      if (next === 'refuse') {
        for (const socket of open) socket.destroy();
        await stopListening();
      } else {
        for (const socket of open) socket.pause(); // frozen: bytes stay where they are
      }
    },
    async heal() {
      if (mode === 'refuse') await listen(port);
      mode = 'open';
      // frozen connections stay dead (as after a real partition, they time out on their own ends)
      for (const socket of open) socket.destroy();
    },
    async close() {
      for (const socket of open) socket.destroy();
      await stopListening();
    },
  };
}
