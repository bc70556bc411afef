/**
 * Where Temporal is and how to reach it, from flags and the environment: address, namespace,
 * TLS (CA, client certificate and key, server name) and an API key (Temporal Cloud).
 * A flag beats its environment variable; every problem is an `InvalidConnectionSettings` whose
 * one-line message names the flag or variable it came from and says what to give instead.
 * The payload encryption keys come from the environment too (src/codec/encryptionKeys.ts).
 */
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { encryptionKeyring, type EncryptionKeyring } from '../codec/encryptionKeys';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
  /** Keys to encrypt payloads with (LOCKSTEP_ENCRYPTION_KEY or _FILE); none: plaintext payloads. */
  encryption?: EncryptionKeyring;
}

/** The connection flags as commander hands them over (`--tls-ca` is `tlsCa`). */
export interface TemporalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  /** `--tls`: connect with TLS even when nothing else asks for it. */
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  apiKey?: string;
}

/** A connection setting that cannot work; the CLI exits 3 (invalid input) with the message. */
export class InvalidConnectionSettings extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConnectionSettings';
  }
}

/** A setting's value and where it came from, for error messages (`--tls-ca` or `TEMPORAL_TLS_CA`). */
interface Sourced {
  value: string;
  source: string;
}

function pick(flagValue: string | undefined, flag: string, env: NodeJS.ProcessEnv, variable: string): Sourced | undefined {
  if (flagValue !== undefined) return { value: flagValue, source: flag };
  const fromEnv = env[variable];
  return fromEnv ? { value: fromEnv, source: variable } : undefined;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

function checkAddress(address: Sourced): string {
  const match = HOST_PORT.exec(address.value);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new InvalidConnectionSettings(
      `${address.source} "${address.value}": not host:port; give e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233 (no scheme, no path)`,
    );
  }
  return address.value;
}

function readPem(file: Sourced, what: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file.value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new InvalidConnectionSettings(`${file.source}: cannot read ${file.value} (${code}); give a readable PEM file (${what})`);
  }
  if (!content.includes('-----BEGIN ')) {
    throw new InvalidConnectionSettings(`${file.source}: ${file.value} is not PEM (no "-----BEGIN" line); give a PEM file (${what})`);
  }
  return content;
}

function checkCertificate(pem: Buffer, file: Sourced): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new InvalidConnectionSettings(
      `${file.source}: ${file.value} holds no valid certificate (${err instanceof Error ? err.message : String(err)}); give a PEM certificate`,
    );
  }
}

function clientCertPair(certFile: Sourced, keyFile: Sourced): { crt: Buffer; key: Buffer } {
  const crt = readPem(certFile, 'the client certificate');
  const key = readPem(keyFile, 'the private key of the client certificate');
  const certificate = checkCertificate(crt, certFile);
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new InvalidConnectionSettings(
      `${keyFile.source}: ${keyFile.value} holds no usable private key (${err instanceof Error ? err.message : String(err)}); give an unencrypted PEM private key`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new InvalidConnectionSettings(
      `${certFile.source} ${certFile.value} and ${keyFile.source} ${keyFile.value} do not belong together; give the key of that certificate`,
    );
  }
  return { crt, key };
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes'].includes(value.toLowerCase());
}

export function temporalSettings(flags: TemporalFlags = {}, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = checkAddress(pick(flags.address, '--address', env, 'TEMPORAL_ADDRESS') ?? { value: '127.0.0.1:7233', source: 'the default address' });
  const namespace = pick(flags.namespace, '--namespace', env, 'TEMPORAL_NAMESPACE')?.value ?? 'default';
  if (!namespace.trim()) throw new InvalidConnectionSettings('--namespace: empty; give a namespace name (default: default)');
  const apiKey = pick(flags.apiKey, '--api-key', env, 'TEMPORAL_API_KEY');
  if (apiKey && !apiKey.value.trim()) throw new InvalidConnectionSettings(`${apiKey.source}: empty; give the Temporal Cloud API key`);
  const ca = pick(flags.tlsCa, '--tls-ca', env, 'TEMPORAL_TLS_CA');
  const cert = pick(flags.tlsCert, '--tls-cert', env, 'TEMPORAL_TLS_CERT');
  const key = pick(flags.tlsKey, '--tls-key', env, 'TEMPORAL_TLS_KEY');
  const serverName = pick(flags.tlsServerName, '--tls-server-name', env, 'TEMPORAL_TLS_SERVER_NAME');
  if (cert && !key) throw new InvalidConnectionSettings(`${cert.source} given without a key; add --tls-key <file> (or TEMPORAL_TLS_KEY): a client certificate needs its private key`);
  if (key && !cert) throw new InvalidConnectionSettings(`${key.source} given without a certificate; add --tls-cert <file> (or TEMPORAL_TLS_CERT): a private key needs its client certificate`);
  const wantsTls = Boolean(flags.tls || truthy(env.TEMPORAL_TLS) || ca || cert || serverName || apiKey);
  let serverRootCACertificate: Buffer | undefined;
  if (ca) {
    serverRootCACertificate = readPem(ca, 'the CA certificate that signed the server certificate');
    checkCertificate(serverRootCACertificate, ca);
  }
  return {
    address,
    namespace,
    taskQueue: flags.taskQueue ?? env.LOCKSTEP_TASK_QUEUE ?? 'lockstep',
    apiKey: apiKey?.value,
    encryption: encryptionKeyring(env),
    tls: wantsTls
      ? {
          serverNameOverride: serverName?.value,
          serverRootCACertificate,
          clientCertPair: cert && key ? clientCertPair(cert, key) : undefined,
        }
      : undefined,
  };
}
