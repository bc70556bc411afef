/**
 * Keeps the CLI's stderr to one line per problem: gRPC sets the TLS server name to the host even
 * when the host is an IP address (127.0.0.1 with --tls), and Node warns about that (DEP0123) on
 * every connection. That warning is dropped; every other warning is printed as Node would.
 */
const DROPPED_WARNINGS = new Set(['DEP0123']);

export function dropNoisyWarnings(proc: NodeJS.Process = process): void {
  const printers = proc.listeners('warning');
  proc.removeAllListeners('warning');
  proc.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code && DROPPED_WARNINGS.has(warning.code)) return;
    for (const print of printers) print(warning);
  });
}
