/**
 * The Temporal connection flags, the same on every command that talks to Temporal. Each beats its
 * environment variable; `temporalSettings` resolves and checks them (src/temporal/connectionOptions.ts).
 */
import { Option, type Command } from 'commander';
import type { TemporalFlags } from '../temporal/connectionOptions';

export type ConnectionFlags = Omit<TemporalFlags, 'taskQueue'>;

const HELP_GROUP = 'Temporal connection (flags beat the environment variables):';

const CONNECTION_OPTIONS: readonly [flags: string, description: string][] = [
  ['--address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)'],
  ['--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE; default "default")'],
  ['--tls', 'connect with TLS (env TEMPORAL_TLS=true); implied by each flag below'],
  ['--tls-ca <file>', 'PEM CA certificate that signed the server certificate; default: the system CAs (env TEMPORAL_TLS_CA)'],
  ['--tls-cert <file>', 'PEM client certificate for mutual TLS, with --tls-key (env TEMPORAL_TLS_CERT)'],
  ['--tls-key <file>', 'PEM private key of --tls-cert (env TEMPORAL_TLS_KEY)'],
  ['--tls-server-name <name>', 'name to expect on the server certificate when it is not the address host (env TEMPORAL_TLS_SERVER_NAME)'],
  ['--api-key <key>', 'Temporal Cloud API key; implies TLS (env TEMPORAL_API_KEY, better: a flag shows in ps and shell history)'],
];

/** Adds the connection flags to a command, in their own section of its --help. */
export function withConnectionFlags(cmd: Command): Command {
  for (const [flags, description] of CONNECTION_OPTIONS) cmd.addOption(new Option(flags, description).helpGroup(HELP_GROUP));
  return cmd;
}

/** The connection flags' names as they appear in --help, for tests and docs. */
export const CONNECTION_FLAG_NAMES = CONNECTION_OPTIONS.map(([flags]) => flags.split(' ')[0]!);
