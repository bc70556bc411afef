/**
 * How long one step of a target may take, per kind: the workflow sets its activity timeouts from
 * this and knows no kind itself. Pure (workflow-safe). A new target kind adds its line here.
 */
import { parseDuration } from '../manifest/duration';
import type { Target } from '../manifest/schema';

/** Steps of targets that declare no timeout of their own (a local process starts in seconds). */
const DEFAULT_STEP_TIMEOUT_MS = 120_000;

const STEP_TIMEOUT: { [K in Target['kind']]: (spec: Extract<Target, { kind: K }>) => number } = {
  command: (spec) => parseDuration(spec.timeout)!,
  process: () => DEFAULT_STEP_TIMEOUT_MS,
  simulated: () => DEFAULT_STEP_TIMEOUT_MS,
};

export function targetStepTimeoutMs(target: Target): number {
  return (STEP_TIMEOUT[target.kind] as (spec: Target) => number)(target);
}
