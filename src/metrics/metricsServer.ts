/**
 * The worker's Prometheus endpoint: GET /metrics answers the exposition text, anything else 404.
 * node:http only; the text comes from `render` (Lockstep's registry and the SDK's own metrics).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatMetricsAddress, type MetricsAddress } from './metricsAddress';

export interface MetricsServer {
  /** `http://host:port/metrics`, with the port bound (also when asked for port 0). */
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  address: MetricsAddress;
  contentType: string;
  render(): Promise<string>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: this server serves GET /metrics\n');
      return;
    }
    opts.render().then(
      (text) => res.writeHead(200, { 'content-type': opts.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolveListening, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`cannot serve metrics on ${formatMetricsAddress(opts.address)}: ${err.code === 'EADDRINUSE' ? 'the address is in use' : err.message}`)),
    );
    server.listen(opts.address.port, opts.address.host, () => resolveListening());
  });
  const { port } = server.address() as AddressInfo; // a TCP listener's address is an object
  return {
    url: `http://${formatMetricsAddress({ host: opts.address.host, port })}/metrics`,
    close: () => new Promise<void>((resolveClosed) => server.close(() => resolveClosed())),
  };
}
