/** The probe for a manifest's `health` block (exactly one kind per block). */
import { resolve } from 'node:path';
import { parseDuration } from '../manifest/duration';
import type { Health } from '../manifest/schema';
import { createCommandProbe } from './commandProbe';
import type { HealthProbe, ProbeCheck } from './healthProbe';
import { createHttpProbe } from './httpProbe';
import { createTcpProbe } from './tcpProbe';
import { createSimulatedProbe } from './simulatedProbe';

/** The longest a single HTTP or TCP attempt may take before it counts as "no answer". */
export const MAX_NETWORK_ATTEMPT_MS = 10_000;

/**
 * `baseDir` is what relative paths resolve against (the manifest's directory): the command probe
 * runs there, so `./check.sh` is the manifest's sibling.
 */
export function createProbe(health: Health, baseDir: string, check?: ProbeCheck): HealthProbe {
  const overallMs = parseDuration(health.timeout) ?? 30_000;
  // a network check that has not answered in 10s will not; a check script may legitimately take
  // longer, and the gate's overall timeout bounds it anyway
  const networkAttemptMs = Math.min(MAX_NETWORK_ATTEMPT_MS, overallMs);
  if (health.http) {
    return createHttpProbe({
      url: health.http.url,
      expectStatus: health.http.expectStatus,
      expectJson: health.http.expectJson,
      maxLatencyMs: health.http.maxLatency === undefined ? undefined : parseDuration(health.http.maxLatency),
      attemptTimeoutMs: networkAttemptMs,
    });
  }
  if (health.tcp) {
    return createTcpProbe({ host: health.tcp.host, port: health.tcp.port, attemptTimeoutMs: networkAttemptMs });
  }
  if (health.command) {
    return createCommandProbe({ argv: health.command, cwd: resolve(baseDir), attemptTimeoutMs: overallMs });
  }
  if (health.simulated) {
    // an injected failure is the new version's: the re-probe after a rollback finds the old one healthy
    const fail = health.simulated.fail && check?.step !== 'verify';
    return createSimulatedProbe({ latencyMs: parseDuration(health.simulated.latency) ?? 0, fail });
  }
  throw new Error('a health block needs exactly one probe: http, command, tcp or simulated');
}
