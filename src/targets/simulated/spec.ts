/** The `simulated` target's manifest block and step timeout. Pure. */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';

/** A step kind of a service that can be made to fail in a simulation. */
export const SimulatedStep = z.enum(['deploy', 'rollback', 'current']);

/**
 * The `simulated` target: touches nothing; each step takes `latency` (± `jitter` as a fraction)
 * and the steps listed in `fail` fail. The versions it "runs" live in the worker's memory.
 */
export const SimulatedTarget = z.strictObject({
  kind: z.literal('simulated'),
  latency: duration(0, HOUR).default('0ms'),
  rollbackLatency: duration(0, HOUR).optional(),
  jitter: z.number().min(0).max(1).default(0),
  fail: z.array(SimulatedStep).default([]),
  /** What runs before this release's first deploy ('' = nothing). */
  initialVersion: z.string().max(128).default(''),
});
export type SimulatedTarget = z.infer<typeof SimulatedTarget>;

/** Simulated steps take what their latency says; two minutes bound a step, as for a process. */
const STEP_TIMEOUT_MS = 120_000;

export const simulatedTargetKind = {
  schema: SimulatedTarget,
  stepTimeoutMs: (_spec: SimulatedTarget): number => STEP_TIMEOUT_MS,
};
