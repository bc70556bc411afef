/** The `command` target's manifest block and step timeout (its own `timeout`). Pure. */
import { z } from 'zod';
import { parseDuration } from '../../manifest/duration';
import { Argv, DAY, EnvVars, duration } from '../../manifest/fields';

export const CommandTarget = z.strictObject({
  kind: z.literal('command'),
  deploy: Argv,
  rollback: Argv.optional(),
  current: Argv,
  timeout: duration(1000, DAY).default('5m'),
  cwd: z.string().min(1).optional(),
  env: EnvVars.optional(),
});
export type CommandTarget = z.infer<typeof CommandTarget>;

export const commandTargetKind = {
  schema: CommandTarget,
  stepTimeoutMs: (spec: CommandTarget): number => parseDuration(spec.timeout)!,
};
