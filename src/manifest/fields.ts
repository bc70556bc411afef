/** Field types shared by the manifest and by the spec of every plugin kind (durations, argv, env). Pure. */
import { z } from 'zod';
import { parseDuration } from './duration';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A duration string (`500ms`, `30s`, `5m`) between min and max milliseconds. */
export function duration(minMs: number, maxMs: number) {
  return z.string({ error: 'must be a duration such as "500ms", "30s" or "5m"' }).superRefine((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write it as "500ms", "30s", "5m" or "1h"` });
    } else if (ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is out of range: must be between ${minMs}ms and ${maxMs / 3_600_000}h` });
    }
  });
}

/** A command line as a list of arguments; never a shell string. */
export const Argv = z
  .array(z.string().min(1, 'an argument must not be empty').max(4096), {
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : 'must be a list of arguments (argv), e.g. ["./deploy.sh", "payments"]; a shell string is not accepted',
  })
  .min(1, 'must name a program to run')
  .max(256);
export type Argv = z.infer<typeof Argv>;

export const EnvVars = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
  z.string(),
);
