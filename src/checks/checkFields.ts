/**
 * The fields every check has whatever its kind (name, moment, bake, interval, timeout), and the
 * moment a check runs at when it names none. Pure: the workflow validates with it.
 */
import { z } from 'zod';
import { DAY, HOUR, duration } from '../manifest/fields';

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const CheckWhen = z.union(
  [
    z.enum(['preflight', 'final', 'afterRollback']),
    z.strictObject({ after: z.array(z.string().min(1)).min(1, 'must name at least one service') }),
  ],
  { error: 'must be preflight, final, afterRollback or { after: [service, ...] }' },
);
export type CheckWhen = z.infer<typeof CheckWhen>;

export const CHECK_BASE_FIELDS = {
  name: z.string().regex(NAME, 'must be lowercase letters, digits and dashes, e.g. "checkout-flow"'),
  /** Default: the kind's own (final; pact: after its provider; schema: preflight). */
  when: CheckWhen.optional(),
  /** final only: keep re-running it for this long after everything succeeded (status Verifying). */
  bake: duration(1000, 7 * DAY).optional(),
  /** Between runs during the bake. */
  interval: duration(100, HOUR).default('10s'),
  /** One run's limit. */
  timeout: duration(100, DAY).default('1m'),
  /** Also run after a rollback (a failure there ends RollbackFailed). */
  alsoAfterRollback: z.boolean().default(false),
};
