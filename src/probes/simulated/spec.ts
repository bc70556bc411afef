/** The `simulated` probe's block. Pure. */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';

/** A probe that touches nothing: answers after `latency`; with `fail`, the probe after a deploy fails (the re-probe after a rollback passes). */
export const SimulatedProbe = z.strictObject({
  latency: duration(0, HOUR).default('0ms'),
  fail: z.boolean().default(false),
});
export type SimulatedProbe = z.infer<typeof SimulatedProbe>;
