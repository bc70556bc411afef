/**
 * The registry of target kinds, workflow-safe half: each kind's manifest block and step timeout,
 * from its own folder. The manifest's `target` is the union of these; the workflow sets its step
 * timeouts from here and knows no kind itself. A new kind: a folder with `spec.ts` and its target,
 * one line here and one in createTarget.ts. Pure.
 */
import { z } from 'zod';
import { commandTargetKind } from './command/spec';
import { httpTargetKind } from './http/spec';
import { processTargetKind } from './process/spec';
import { simulatedTargetKind } from './simulated/spec';

const KINDS = {
  command: commandTargetKind,
  process: processTargetKind,
  simulated: simulatedTargetKind,
  http: httpTargetKind,
} as const;

const names = Object.keys(KINDS).map((k) => `"${k}"`).join(', ');

export const Target = z.discriminatedUnion('kind', [KINDS.command.schema, KINDS.process.schema, KINDS.simulated.schema, KINDS.http.schema], {
  error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${names}` : undefined),
});
export type Target = z.infer<typeof Target>;
export type TargetKind = Target['kind'];

/** How long one step (read, deploy, restore) of this target may take. */
export function targetStepTimeoutMs(target: Target): number {
  return (KINDS[target.kind].stepTimeoutMs as (spec: Target) => number)(target);
}
