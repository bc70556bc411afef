/**
 * The `simulated` check's block (what `lockstep rehearse` puts in place of every check): passes
 * after `latency`, or fails on the runs `failOn` names (1 = the first run; `always`). Pure.
 */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';
import { CHECK_BASE_FIELDS } from '../checkFields';

export const SimulatedCheck = z.strictObject({
  ...CHECK_BASE_FIELDS,
  kind: z.literal('simulated'),
  latency: duration(0, HOUR).default('0ms'),
  /** Which runs fail: `always`, `never`, or the run numbers (1-based, counted per release). */
  fail: z.union([z.enum(['always', 'never']), z.array(z.number().int().min(1))]).default('never'),
  /** Fail only before a rollback (the old versions pass). */
  failAfterRollback: z.boolean().default(false),
});
export type SimulatedCheck = z.infer<typeof SimulatedCheck>;
