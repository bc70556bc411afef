/** The probe for a manifest's `health` block (exactly one kind per block): the registry of probe implementations. */
import { resolve } from 'node:path';
import { parseDuration } from '../manifest/duration';
import { createCommandProbe } from './command/commandProbe';
import type { HealthProbe, ProbeCheck } from './healthProbe';
import { createHttpProbe } from './http/httpProbe';
import { probeKindOf, type Health, type ProbeKind } from './probeKinds';
import { createSimulatedProbe } from './simulated/simulatedProbe';
import { createTcpProbe } from './tcp/tcpProbe';

/** The longest a single HTTP or TCP attempt may take before it counts as "no answer". */
export const MAX_NETWORK_ATTEMPT_MS = 10_000;

interface ProbeContext {
  baseDir: string;
  check?: ProbeCheck;
  /** One HTTP or TCP attempt's limit. */
  networkAttemptMs: number;
  /** The gate's overall timeout. */
  overallMs: number;
}

type Factories = { [K in ProbeKind]: (spec: NonNullable<Health[K]>, ctx: ProbeContext) => HealthProbe };

/** One line per kind (the workflow-safe half of each kind is in probeKinds.ts). */
const FACTORIES: Factories = {
  http: (spec, ctx) =>
    createHttpProbe({
      url: spec.url,
      expectStatus: spec.expectStatus,
      expectJson: spec.expectJson,
      maxLatencyMs: spec.maxLatency === undefined ? undefined : parseDuration(spec.maxLatency),
      attemptTimeoutMs: ctx.networkAttemptMs,
    }),
  tcp: (spec, ctx) => createTcpProbe({ host: spec.host, port: spec.port, attemptTimeoutMs: ctx.networkAttemptMs }),
  command: (argv, ctx) => createCommandProbe({ argv, cwd: resolve(ctx.baseDir), attemptTimeoutMs: ctx.overallMs }),
  // an injected failure is the new version's: the re-probe after a rollback finds the old one healthy
  simulated: (spec, ctx) =>
    createSimulatedProbe({ latencyMs: parseDuration(spec.latency) ?? 0, fail: spec.fail && ctx.check?.step !== 'verify' }),
};

/**
 * `baseDir` is what relative paths resolve against (the manifest's directory): the command probe
 * runs there, so `./check.sh` is the manifest's sibling.
 */
export function createProbe(health: Health, baseDir: string, check?: ProbeCheck): HealthProbe {
  const overallMs = parseDuration(health.timeout) ?? 30_000;
  // a network check that has not answered in 10s will not; a check script may legitimately take
  // longer, and the gate's overall timeout bounds it anyway
  const networkAttemptMs = Math.min(MAX_NETWORK_ATTEMPT_MS, overallMs);
  const kind = probeKindOf(health);
  const factory = FACTORIES[kind] as (spec: unknown, ctx: ProbeContext) => HealthProbe;
  return factory(health[kind], { baseDir, check, networkAttemptMs, overallMs });
}
