/** The `command` check's block: an argv that passes with exit 0. Pure. */
import { z } from 'zod';
import { Argv, EnvVars } from '../../manifest/fields';
import { CHECK_BASE_FIELDS } from '../checkFields';

export const CommandCheck = z.strictObject({
  ...CHECK_BASE_FIELDS,
  kind: z.literal('command'),
  run: Argv,
  cwd: z.string().min(1).optional(),
  env: EnvVars.optional(),
});
export type CommandCheck = z.infer<typeof CommandCheck>;
