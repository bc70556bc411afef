/** The deploy target for a manifest's `target` block: the registry of target implementations. */
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import type { Target, TargetKind } from './targetKinds';
import { createCommandTarget } from './command/commandTarget';
import type { DeployTarget } from './deployTarget';
import { createHttpTarget } from './http/httpTarget';
import { createProcessTarget } from './process/processTarget';
import { createSimulatedTarget, type SimulatedState } from './simulated/simulatedTarget';

export interface TargetDeps {
  logger?: Logger;
  /** Lockstep's state directory (run records); default `lockstepStateDir()`. */
  stateDir?: string;
  /** State of `process` targets; default LOCKSTEP_PROCESS_STATE_DIR, else `<stateDir>/processes`. */
  processStateDir?: string;
  /** How long a just-started `process` must live to count as started; default 300ms. */
  processStartCheckMs?: number;
  /** Versions of `simulated` targets; default one map per process. */
  simulatedState?: SimulatedState;
}

type Factories = { [K in TargetKind]: (spec: Extract<Target, { kind: K }>, deps: TargetDeps) => DeployTarget };

/** One line per kind (the workflow-safe half of each kind is in targetKinds.ts). */
const FACTORIES: Factories = {
  command: (spec, deps) => createCommandTarget(spec, { logger: deps.logger, stateDir: deps.stateDir }),
  process: (spec, deps) =>
    createProcessTarget(spec, {
      logger: deps.logger,
      stateDir: deps.processStateDir ?? (deps.stateDir !== undefined ? join(deps.stateDir, 'processes') : undefined),
      startCheckMs: deps.processStartCheckMs,
    }),
  simulated: (spec, deps) => createSimulatedTarget(spec, { state: deps.simulatedState }),
  http: (spec, deps) => createHttpTarget(spec, { logger: deps.logger, stateDir: deps.stateDir }),
};

export function createTarget(spec: Target, deps: TargetDeps = {}): DeployTarget {
  const factory = FACTORIES[spec.kind] as ((spec: Target, deps: TargetDeps) => DeployTarget) | undefined;
  if (!factory) throw new Error(`unknown target kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  return factory(spec, deps);
}
