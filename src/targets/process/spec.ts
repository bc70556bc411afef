/** The `process` target's manifest block and step timeout. Pure. */
import { z } from 'zod';
import { Argv, EnvVars, HOUR, duration } from '../../manifest/fields';

export const ProcessTarget = z.strictObject({
  kind: z.literal('process'),
  /** argv of the service; `{{version}}` is replaced by the version to run. */
  start: Argv,
  cwd: z.string().min(1).optional(),
  env: EnvVars.optional(),
  /** How long a stopping process gets after SIGTERM before SIGKILL. */
  stopTimeout: duration(0, HOUR).default('5s'),
});
export type ProcessTarget = z.infer<typeof ProcessTarget>;

/** A local process stops and starts in seconds; two minutes bound a step. */
const STEP_TIMEOUT_MS = 120_000;

export const processTargetKind = {
  schema: ProcessTarget,
  stepTimeoutMs: (_spec: ProcessTarget): number => STEP_TIMEOUT_MS,
};
