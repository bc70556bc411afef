/** Errors the CLI turns into one line and an exit code (DESIGN.md exit codes). */
import { NamespaceNotFoundError } from '@temporalio/client';
import { EXIT_CODES } from '../release/releaseStatus';
import { ManifestError } from '../manifest/loadManifest';
import { TemporalUnreachable } from '../temporal/connectClient';
import { InvalidConnectionSettings } from '../temporal/connectionOptions';
import { ReleaseIdInUse } from '../release/startRelease';
import { InvalidEncryptionKey } from '../codec/encryptionKeys';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function exitCodeFor(err: unknown): { code: number; message: string } {
  if (err instanceof ManifestError) return { code: EXIT_CODES.invalidInput, message: err.message };
  if (err instanceof ReleaseIdInUse) return { code: EXIT_CODES.invalidInput, message: err.message };
  if (err instanceof InvalidConnectionSettings) return { code: EXIT_CODES.invalidInput, message: err.message };
  if (err instanceof InvalidEncryptionKey) return { code: EXIT_CODES.invalidInput, message: err.message };
  if (err instanceof TemporalUnreachable) return { code: EXIT_CODES.unreachable, message: err.message };
  if (err instanceof CliError) return { code: err.exitCode, message: err.message };
  if (err instanceof NamespaceNotFoundError) {
    return { code: EXIT_CODES.invalidInput, message: `no namespace "${err.namespace}" on this server; check --namespace (or TEMPORAL_NAMESPACE)` };
  }
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  if (/UNAVAILABLE|ECONNREFUSED|14 UNAVAILABLE|Failed to connect/i.test(message)) {
    return { code: EXIT_CODES.unreachable, message: `cannot reach Temporal: ${message}` };
  }
  if (/UNAUTHENTICATED|PERMISSION_DENIED/.test(message)) {
    return { code: EXIT_CODES.unreachable, message: `Temporal refused the request: ${message}; check --api-key (or TEMPORAL_API_KEY), --tls-cert/--tls-key and --namespace` };
  }
  return { code: 1, message };
}
