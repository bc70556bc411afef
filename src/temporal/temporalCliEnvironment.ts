/**
 * The connection settings Lockstep uses, as the Temporal CLI's own environment variables, so that
 * `lockstep temporal …` reaches the same server, namespace and credentials as every other command.
 * Variables rather than flags: every `temporal` command reads them (flags exist only on the commands
 * that connect), and a flag the user gives after the command still beats them, as in the CLI itself.
 *
 *   Lockstep (flag / variable)              Temporal CLI variable
 *   --address  / TEMPORAL_ADDRESS           TEMPORAL_ADDRESS (always set: Lockstep's default is 127.0.0.1:7233)
 *   --namespace / TEMPORAL_NAMESPACE        TEMPORAL_NAMESPACE
 *   --tls / TEMPORAL_TLS (or implied)       TEMPORAL_TLS=true
 *   --tls-ca / TEMPORAL_TLS_CA              TEMPORAL_TLS_SERVER_CA_CERT_PATH
 *   --tls-cert / TEMPORAL_TLS_CERT          TEMPORAL_TLS_CLIENT_CERT_PATH
 *   --tls-key / TEMPORAL_TLS_KEY            TEMPORAL_TLS_CLIENT_KEY_PATH
 *   --tls-server-name / TEMPORAL_TLS_SERVER_NAME   TEMPORAL_TLS_SERVER_NAME
 *   --api-key / TEMPORAL_API_KEY            TEMPORAL_API_KEY
 */
import { resolve } from 'node:path';
import { temporalSettings, type TemporalFlags } from './connectionOptions';

export function temporalCliEnvironment(flags: TemporalFlags, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const settings = temporalSettings(flags, env); // the same checks (and one-line errors) as every command
  const file = (flag: string | undefined, variable: string): string | undefined => {
    const value = flag ?? env[variable];
    return value ? resolve(value) : undefined;
  };
  const vars: Record<string, string | undefined> = {
    TEMPORAL_ADDRESS: settings.address,
    TEMPORAL_NAMESPACE: settings.namespace,
    TEMPORAL_TLS: settings.tls ? 'true' : undefined,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: file(flags.tlsCa, 'TEMPORAL_TLS_CA'),
    TEMPORAL_TLS_CLIENT_CERT_PATH: file(flags.tlsCert, 'TEMPORAL_TLS_CERT'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: file(flags.tlsKey, 'TEMPORAL_TLS_KEY'),
    TEMPORAL_TLS_SERVER_NAME: settings.tls?.serverNameOverride,
    TEMPORAL_API_KEY: settings.apiKey,
  };
  return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
