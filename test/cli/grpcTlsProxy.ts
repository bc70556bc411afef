/**
 * A TLS front for the plaintext test server, so the connection flags meet a real TLS endpoint:
 * an HTTP/2 server with a certificate from a throwaway CA (made with openssl) that forwards every
 * gRPC call to the dev server. Optionally it demands a client certificate (mutual TLS) or an API
 * key (`authorization: Bearer <key>`, answered UNAUTHENTICATED otherwise, as Temporal Cloud does).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createSecureServer, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  /** CA certificate that signed the server and the client certificates. */
  caPem: string;
  /** Server certificate for the DNS name `temporal.test` (not for 127.0.0.1). */
  serverPem: string;
  serverKey: string;
  clientPem: string;
  clientKey: string;
  /** A second client certificate and key from another CA, to mismatch with clientKey. */
  otherPem: string;
  otherKey: string;
}

export const SERVER_NAME = 'temporal.test';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for temporal.test and a client certificate; EC keys, valid one day. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=lockstep test CA']);
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=DNS:${SERVER_NAME}\n`);
  for (const [name, ext] of [['server', 'server.ext'], ['client', undefined]] as const) {
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=lockstep-${name}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', ...(ext ? ['-extfile', ext] : [])]);
  }
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=someone else']);
  const path = (file: string) => join(dir, file);
  return {
    dir,
    caPem: path('ca.pem'),
    serverPem: path('server.pem'),
    serverKey: path('server.key'),
    clientPem: path('client.pem'),
    clientKey: path('client.key'),
    otherPem: path('other.pem'),
    otherKey: path('other.key'),
  };
}

export interface GrpcTlsProxyOptions {
  /** host:port of the plaintext Temporal server. */
  upstream: string;
  pki: TestPki;
  /** Demand a client certificate signed by the test CA. */
  mutualTls?: boolean;
  /** Demand `authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface GrpcTlsProxy {
  /** 127.0.0.1:<port> */
  address: string;
  close(): Promise<void>;
}

/** Request headers the proxy sets itself or that belong to one hop only. */
const NOT_FORWARDED = new Set([':authority', ':scheme', ':method', ':path', 'connection', 'host']);

export async function startGrpcTlsProxy(opts: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  // One HTTP/2 session to the test server, opened again when it has closed: the server may end an
  // idle one while earlier tests run, and a slow machine makes that more likely.
  let upstream: ClientHttp2Session | undefined;
  const upstreamSession = (): ClientHttp2Session => {
    if (!upstream || upstream.closed || upstream.destroyed) {
      upstream = connect(`http://${opts.upstream}`);
      upstream.on('error', () => undefined); // surfaces on the proxied streams
    }
    return upstream;
  };
  const sessions = new Set<ServerHttp2Session>();
  const server = createSecureServer({
    key: readFileSync(opts.pki.serverKey),
    cert: readFileSync(opts.pki.serverPem),
    ...(opts.mutualTls ? { ca: readFileSync(opts.pki.caPem), requestCert: true, rejectUnauthorized: true } : {}),
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers: IncomingHttpHeaders) => {
    if (opts.apiKey !== undefined && headers.authorization !== `Bearer ${opts.apiKey}`) {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized: invalid API key' },
        { endStream: true },
      );
      return;
    }
    const forwarded: Record<string, string | string[]> = { ':method': 'POST', ':path': headers[':path'] ?? '/' };
    for (const [name, value] of Object.entries(headers)) if (!NOT_FORWARDED.has(name) && value !== undefined) forwarded[name] = value;
    let call: ClientHttp2Stream;
    try {
      call = upstreamSession().request(forwarded);
    } catch (err) {
      // the session went away between the check and the request: say so as gRPC would
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': `test proxy: ${String(err)}` }, { endStream: true });
      return;
    }
    let trailers: Record<string, string | string[]> = {};
    call.on('trailers', (t) => (trailers = t as Record<string, string | string[]>));
    call.on('response', (response) => {
      if (response['grpc-status'] !== undefined) {
        stream.respond(response, { endStream: true }); // trailers-only answer
        return;
      }
      stream.respond(response, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      call.pipe(stream);
    });
    call.on('error', () => stream.destroy());
    stream.on('error', () => call.destroy());
    stream.pipe(call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      for (const session of sessions) session.destroy();
      upstream?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
