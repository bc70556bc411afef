/**
 * The registry of Lockstep's own metrics (DESIGN.md, "Observability"): the names and labels
 * dashboards and alerts rely on. One registry per worker, not prom-client's global one, so a
 * process (or a test) can hold several.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** Seconds: a release or a rollback takes from seconds to an hour. */
const RELEASE_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Seconds: one step (a deploy, a probe, a rollback) takes from a fraction of a second to minutes. */
const STEP_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface LockstepMetrics {
  registry: Registry;
  releases: Counter<'environment' | 'status'>;
  releaseDuration: Histogram<'environment' | 'status'>;
  rollbackDuration: Histogram<'environment'>;
  steps: Counter<'environment' | 'service' | 'step' | 'outcome'>;
  stepDuration: Histogram<'environment' | 'step'>;
  compensationFailures: Counter<'environment' | 'service'>;
  checks: Counter<'environment' | 'check' | 'kind' | 'result'>;
}

export function createLockstepMetrics(): LockstepMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    releases: new Counter({
      name: 'lockstep_releases_total',
      help: 'Releases that ended, by environment and final status',
      labelNames: ['environment', 'status'],
      registers,
    }),
    releaseDuration: new Histogram({
      name: 'lockstep_release_duration_seconds',
      help: 'From a release start to its end, by environment and final status',
      labelNames: ['environment', 'status'],
      buckets: RELEASE_BUCKETS,
      registers,
    }),
    rollbackDuration: new Histogram({
      name: 'lockstep_rollback_duration_seconds',
      help: 'From the failure to RolledBack (releases that rolled back)',
      labelNames: ['environment'],
      buckets: RELEASE_BUCKETS,
      registers,
    }),
    steps: new Counter({
      name: 'lockstep_steps_total',
      help: 'Steps of ended releases (current, deploy, probe, rollback, verify), by service and outcome',
      labelNames: ['environment', 'service', 'step', 'outcome'],
      registers,
    }),
    stepDuration: new Histogram({
      name: 'lockstep_step_duration_seconds',
      help: 'How long steps of ended releases took, by step',
      labelNames: ['environment', 'step'],
      buckets: STEP_BUCKETS,
      registers,
    }),
    compensationFailures: new Counter({
      name: 'lockstep_compensation_failures_total',
      help: "Services whose rollback or re-probe after it failed (the release ended RollbackFailed)",
      labelNames: ['environment', 'service'],
      registers,
    }),
    checks: new Counter({
      name: 'lockstep_checks_total',
      help: 'Check runs of ended releases (each bake round and after-rollback run counts), by result',
      labelNames: ['environment', 'check', 'kind', 'result'],
      registers,
    }),
  };
}
