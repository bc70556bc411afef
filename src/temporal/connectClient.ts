/**
 * A Temporal client for the CLI. Failing to connect is a `TemporalUnreachable` error (exit code 4)
 * whose one line says why and what to check.
 *
 * gRPC alone only says "Failed to connect before the deadline" after its timeout, whatever went
 * wrong. So while it connects, a plain TCP (or TLS) handshake to the same address with the same
 * TLS settings runs beside it: a refused connection, an unknown host, a TLS handshake answered in
 * plaintext, an untrusted certificate or a refused client certificate ends the attempt at once with
 * that cause. Otherwise gRPC's verdict stands, explained by the handshake's finding when it has one
 * (credentials refused, a TLS server asked in plaintext, or no answer in time).
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from './connectionOptions';
import { httpStatusLine, webServerHint } from './httpAnswer';
import { clientDataConverter } from '../codec/payloadCodecs';

export const CONNECT_TIMEOUT_MS = 5_000;

export class TemporalUnreachable extends Error {
  constructor(address: string, reason: string, hint: string) {
    super(`cannot reach Temporal at ${address}: ${reason}; ${hint}`);
    this.name = 'TemporalUnreachable';
  }
}

/** Why the endpoint cannot serve this client, found by a handshake of our own. */
interface EndpointProblem {
  reason: string;
  hint: string;
  /** Certain enough to stop gRPC's attempt at once; otherwise it only explains gRPC's failure. */
  decisive?: boolean;
}

const AFTER_HANDSHAKE_WAIT_MS = 1_000;
const CHECK_ADDRESS = 'check --address (or TEMPORAL_ADDRESS)';

/** Node's TLS verification codes that mean "the server's certificate is not trusted for this name". */
const UNTRUSTED_CERT = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|ALTNAME/;

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}

/** One line without OpenSSL's internals: "…:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required" -> "tlsv13 alert certificate required". */
function oneLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:/g, '')
    .replace(/:?\.\.\/deps\/openssl\S*/g, '')
    .trim()
    .replace(/:$/, '');
}

function explainSocketError(err: NodeJS.ErrnoException, tls: boolean): EndpointProblem {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { reason: 'connection refused', hint: `nothing listens there; ${CHECK_ADDRESS}, or start a server with \`lockstep dev\``, decisive: true };
  if (code === 'ENOTFOUND') return { reason: `unknown host (${code})`, hint: CHECK_ADDRESS, decisive: true };
  if (code === 'EAI_AGAIN') return { reason: `the host name did not resolve (${code})`, hint: `${CHECK_ADDRESS} and DNS` };
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'].includes(code)) return { reason: `no route (${code})`, hint: `${CHECK_ADDRESS} and the network` };
  const notTls = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(err.message);
  if (tls && (notTls || code === 'ECONNRESET' || /disconnected before secure/i.test(err.message))) {
    return {
      reason: `no TLS handshake: the server does not speak TLS there (${code || oneLine(err.message)})`,
      hint: `${CHECK_ADDRESS}, or drop --tls/--api-key (and TEMPORAL_TLS/TEMPORAL_API_KEY) for a plaintext server`,
      decisive: notTls,
    };
  }
  if (tls && /alert (certificate required|handshake failure|bad certificate|unknown ca|certificate unknown)/i.test(err.message)) {
    return { reason: `the server refused the TLS handshake (${oneLine(err.message)})`, hint: 'it wants a client certificate it trusts: check --tls-cert and --tls-key', decisive: true };
  }
  if (tls && code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { reason: `the server's TLS certificate is for other names (${oneLine(err.message)})`, hint: 'give --tls-server-name <a name on the certificate>', decisive: true };
  }
  if (tls && UNTRUSTED_CERT.test(code)) {
    return { reason: `the server's TLS certificate is not trusted (${code}: ${oneLine(err.message)})`, hint: 'check --tls-ca and --tls-server-name', decisive: true };
  }
  return { reason: oneLine(`${code} ${err.message}`), hint: `${CHECK_ADDRESS} and --tls` };
}

/**
 * A TCP connection, or a TLS handshake with the client's own TLS settings, to the address.
 * Resolves with the problem, or undefined when the handshake succeeded or did not finish in time.
 */
function probeEndpoint(settings: TemporalSettings, timeoutMs: number, tlsOverride?: 'any-certificate'): Promise<EndpointProblem | undefined> {
  const { host, port } = hostAndPort(settings.address);
  const tls = settings.tls ?? (tlsOverride ? {} : undefined);
  return new Promise((resolve) => {
    let socket: Socket;
    if (tls) {
      const serverName = tls.serverNameOverride ?? (isIP(host) ? undefined : host);
      socket = tlsConnect({
        host,
        port,
        ALPNProtocols: ['h2'],
        ...(serverName ? { servername: serverName } : {}),
        ...(tls.serverRootCACertificate ? { ca: tls.serverRootCACertificate } : {}),
        ...(tls.clientCertPair ? { cert: tls.clientCertPair.crt, key: tls.clientCertPair.key } : {}),
        rejectUnauthorized: tlsOverride !== 'any-certificate',
      });
      // With TLS 1.3 a server that refuses the client's certificate says so just after the handshake:
      // wait for its first HTTP/2 frame (or that refusal) a moment before calling the endpoint fine.
      socket.once('secureConnect', () => {
        socket.once('data', () => settle(undefined));
        socket.once('close', () => settle({ reason: 'the server closed the connection after the TLS handshake', hint: 'it may want a client certificate: check --tls-cert and --tls-key' }));
        setTimeout(() => settle(undefined), AFTER_HANDSHAKE_WAIT_MS).unref();
      });
    } else {
      socket = tcpConnect({ host, port });
      socket.once('connect', () => settle(undefined));
    }
    const timer = setTimeout(() => settle(undefined), timeoutMs).unref();
    socket.once('error', (err: NodeJS.ErrnoException) => settle(explainSocketError(err, Boolean(tls))));
    let settled = false;
    function settle(problem: EndpointProblem | undefined): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    }
  });
}

/** gRPC goes through a proxy when one is configured; then no handshake of our own would tell anything. */
function grpcUsesProxy(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.grpc_proxy || env.https_proxy || env.http_proxy || env.HTTPS_PROXY || env.HTTP_PROXY);
}

const GRPC_CREDENTIALS_REFUSED = new Set([7, 16]); // PERMISSION_DENIED, UNAUTHENTICATED

async function explainGrpcFailure(settings: TemporalSettings, err: unknown, timeoutMs: number, direct: boolean): Promise<EndpointProblem> {
  const cause = (err as { cause?: { code?: number; details?: string; message?: string } }).cause;
  if (cause?.code !== undefined && GRPC_CREDENTIALS_REFUSED.has(cause.code)) {
    return {
      reason: `the server refused the credentials (${oneLine(cause.details || cause.message || String(cause.code))})`,
      hint: 'check --api-key (or TEMPORAL_API_KEY), --tls-cert/--tls-key and --namespace',
    };
  }
  const message = oneLine(`${err instanceof Error ? err.message : String(err)}${cause?.message ? `: ${cause.message}` : ''}`);
  if (direct && !settings.tls) {
    const { host, port } = hostAndPort(settings.address);
    const statusLine = await httpStatusLine(host, port, Math.min(timeoutMs, 2_000));
    if (statusLine) {
      const { reason, hint } = webServerHint(settings.address, port);
      return { reason: `${reason} (${statusLine})`, hint };
    }
  }
  if (direct && !settings.tls && (await probeEndpoint(settings, timeoutMs, 'any-certificate')) === undefined) {
    return { reason: `${message} (the server answers TLS there)`, hint: 'add --tls (and --tls-ca if its certificate is private)' };
  }
  return { reason: message, hint: `${CHECK_ADDRESS}${settings.tls ? ', --tls-server-name and --tls-ca' : ', and whether the server needs --tls'}` };
}

const never = new Promise<never>(() => undefined);

export async function connectClient(settings: TemporalSettings, timeoutMs = CONNECT_TIMEOUT_MS, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  const direct = !grpcUsesProxy(env);
  const probing = direct ? probeEndpoint(settings, timeoutMs) : Promise.resolve(undefined);
  const connecting = Connection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
    connectTimeout: timeoutMs,
  });
  const decisiveProblem = probing.then((problem) => (problem?.decisive ? problem : never));
  const first = await Promise.race([
    connecting.then(
      (connection) => ({ connection }) as const,
      (error: unknown) => ({ error }) as const,
    ),
    decisiveProblem.then((problem) => ({ problem }) as const),
  ]);
  if ('connection' in first) return new Client({ connection: first.connection, namespace: settings.namespace, dataConverter: clientDataConverter(settings) });
  if ('problem' in first) {
    void connecting.then((connection) => connection.close(), () => undefined);
    throw new TemporalUnreachable(settings.address, first.problem.reason, first.problem.hint);
  }
  const problem = (await probing) ?? (await explainGrpcFailure(settings, first.error, timeoutMs, direct));
  throw new TemporalUnreachable(settings.address, problem.reason, problem.hint);
}
