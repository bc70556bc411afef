/**
 * Turns a manifest into its rehearsal: the same services, dependencies and settings, with every
 * target replaced by a `simulated` one and every probe by a simulated probe, and failures
 * injected where asked (`payments:deploy`, `orders:probe`, `orders:rollback`, `x:current`).
 */
import { checkMoment } from '../checks/checkKinds';
import { formatDuration } from '../manifest/duration';
import type { Manifest, ManifestInput } from '../manifest/schema';

export const FAILABLE_STEPS = ['deploy', 'probe', 'rollback', 'current'] as const;
export type FailableStep = (typeof FAILABLE_STEPS)[number];

export interface RehearsalOptions {
  latencyMs: number;
  probeLatencyMs: number;
  /** Fraction of the latency each step may vary by, e.g. 0.2. */
  jitter: number;
  failures: InjectedFailure[];
}

/** A service's step (`payments:deploy`) or a check (`check:checkout-flow`) made to fail. */
export type InjectedFailure = { service: string; step: FailableStep } | { check: string };

export class RehearsalOptionError extends Error {}

/** Parses `--fail service:step` or `--fail check:<name>`. */
export function parseFailure(text: string, manifest: Manifest): InjectedFailure {
  const [service, step, ...rest] = text.split(':');
  if (service === 'check' && step && rest.length === 0 && !manifest.spec.services.some((s) => s.name === 'check' && (FAILABLE_STEPS as readonly string[]).includes(step))) {
    if (!manifest.spec.checks.some((c) => c.name === step)) {
      const names = manifest.spec.checks.map((c) => c.name);
      throw new RehearsalOptionError(`--fail ${text}: no check "${step}" in the manifest (${names.length ? `checks: ${names.join(', ')}` : 'it has no checks'})`);
    }
    return { check: step };
  }
  if (!service || !step || rest.length > 0) {
    throw new RehearsalOptionError(`--fail ${text}: write it as <service>:<step>, e.g. payments:deploy`);
  }
  const svc = manifest.spec.services.find((s) => s.name === service);
  if (!svc) {
    throw new RehearsalOptionError(`--fail ${text}: no service "${service}" in the manifest (services: ${manifest.spec.services.map((s) => s.name).join(', ')})`);
  }
  if (!(FAILABLE_STEPS as readonly string[]).includes(step)) {
    throw new RehearsalOptionError(`--fail ${text}: step must be one of ${FAILABLE_STEPS.join(', ')}`);
  }
  if (step === 'probe' && !svc.health) {
    throw new RehearsalOptionError(`--fail ${text}: "${service}" has no health probe to fail`);
  }
  return { service, step: step as FailableStep };
}

export function rehearsalManifest(manifest: Manifest, releaseId: string, opts: RehearsalOptions): ManifestInput {
  const failing = (service: string, step: FailableStep) => opts.failures.some((f) => 'service' in f && f.service === service && f.step === step);
  const checkFails = (name: string) => opts.failures.some((f) => 'check' in f && f.check === name);
  const ms = (n: number) => `${Math.max(0, Math.round(n))}ms`;
  return {
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id: releaseId, environment: manifest.metadata.environment },
    spec: {
      maxParallel: manifest.spec.maxParallel,
      retries: manifest.spec.retries,
      services: manifest.spec.services.map((s) => ({
        name: s.name,
        version: s.version,
        dependsOn: s.dependsOn,
        target: {
          kind: 'simulated' as const,
          latency: ms(opts.latencyMs),
          jitter: opts.jitter,
          fail: (['deploy', 'rollback', 'current'] as const).filter((step) => failing(s.name, step)),
          initialVersion: 'previous',
        },
        ...(s.health
          ? {
              health: {
                simulated: { latency: ms(opts.probeLatencyMs), fail: failing(s.name, 'probe') },
                successThreshold: 1,
                interval: '10ms',
                // a failing simulated probe fails at once instead of waiting out the real timeout
                timeout: ms(Math.max(100, opts.probeLatencyMs * 2 + 50)),
              },
            }
          : {}),
      })),
      // every check becomes a simulated one at the same moment; an injected failure fails its runs
      // before a rollback (the old versions pass), or, for an afterRollback check, the one after it
      checks: manifest.spec.checks.map((c) => ({
        name: c.name,
        kind: 'simulated' as const,
        when: checkMoment(c),
        ...(c.bake ? { bake: c.bake } : {}),
        interval: c.interval,
        timeout: c.timeout,
        alsoAfterRollback: c.alsoAfterRollback,
        latency: ms(opts.probeLatencyMs),
        fail: checkFails(c.name) ? ('always' as const) : ('never' as const),
        // an afterRollback check fails where it runs: after the rollback
        failAfterRollback: checkFails(c.name) && checkMoment(c) === 'afterRollback',
      })),
    },
  };
}

export function describeOptions(opts: RehearsalOptions): string {
  const failures = opts.failures.length ? opts.failures.map((f) => ('check' in f ? `check:${f.check}` : `${f.service}:${f.step}`)).join(', ') : 'none';
  return `deploy/rollback ${formatDuration(opts.latencyMs)}, probe ${formatDuration(opts.probeLatencyMs)}, jitter ${opts.jitter ? `±${Math.round(opts.jitter * 100)}%` : 'off'}; injected failures: ${failures}`;
}
