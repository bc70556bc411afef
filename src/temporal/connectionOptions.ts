/**
 * Where Temporal is and how to reach it, from flags and the environment: address, namespace,
 * TLS (CA, client certificate and key, server name) and an API key (Temporal Cloud).
 */
import { readFileSync } from 'node:fs';

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
}

export interface TemporalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

export function temporalSettings(flags: TemporalFlags = {}, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const ca = env.TEMPORAL_TLS_CA;
  const cert = env.TEMPORAL_TLS_CERT;
  const key = env.TEMPORAL_TLS_KEY;
  if ((cert && !key) || (key && !cert)) {
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be given together');
  }
  const wantsTls = Boolean(ca || cert || apiKey || env.TEMPORAL_TLS === 'true' || env.TEMPORAL_TLS_SERVER_NAME);
  return {
    address: flags.address ?? env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: flags.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: flags.taskQueue ?? env.LOCKSTEP_TASK_QUEUE ?? 'lockstep',
    apiKey,
    tls: wantsTls
      ? {
          serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined,
          serverRootCACertificate: ca ? readFileSync(ca) : undefined,
          clientCertPair: cert && key ? { crt: readFileSync(cert), key: readFileSync(key) } : undefined,
        }
      : undefined,
  };
}
