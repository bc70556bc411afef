/** The deploy target for a manifest's `target` block. */
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import type { Target } from '../manifest/schema';
import { createCommandTarget } from './commandTarget';
import type { DeployTarget } from './deployTarget';
import { createProcessTarget } from './processTarget';
import { createSimulatedTarget, type SimulatedState } from './simulatedTarget';

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

export function createTarget(spec: Target, deps: TargetDeps = {}): DeployTarget {
  switch (spec.kind) {
    case 'command':
      return createCommandTarget(spec, { logger: deps.logger, stateDir: deps.stateDir });
    case 'process':
      return createProcessTarget(spec, {
        logger: deps.logger,
        stateDir:
          deps.processStateDir ?? (deps.stateDir !== undefined ? join(deps.stateDir, 'processes') : undefined),
        startCheckMs: deps.processStartCheckMs,
      });
    case 'simulated':
      return createSimulatedTarget(spec, { state: deps.simulatedState });
    default: {
      const unknown: never = spec;
      throw new Error(`unknown target kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
