/** Errors the CLI turns into one line and an exit code (DESIGN.md exit codes). */
import { EXIT_CODES } from '../release/releaseStatus';
import { ManifestError } from '../manifest/loadManifest';
import { TemporalUnreachable } from '../temporal/connectClient';

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
  if (err instanceof TemporalUnreachable) return { code: EXIT_CODES.unreachable, message: err.message };
  if (err instanceof CliError) return { code: err.exitCode, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (/UNAVAILABLE|ECONNREFUSED|14 UNAVAILABLE|Failed to connect/i.test(message)) {
    return { code: EXIT_CODES.unreachable, message: `cannot reach Temporal: ${message}` };
  }
  return { code: 1, message };
}
