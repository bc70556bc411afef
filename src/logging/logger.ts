/** Structured logs (pino) to stderr; every line carries the release id, service and step where known. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  return pino(
    { level: process.env.LOCKSTEP_LOG_LEVEL ?? 'info', base: { ...bindings } },
    pino.destination({ dest: 2, sync: true }),
  );
}
