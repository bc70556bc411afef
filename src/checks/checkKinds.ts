/**
 * The registry of check kinds, workflow-safe half: a check's block is one of the kinds' blocks
 * (src/checks/<kind>/spec.ts), told apart by `kind`. A new kind: a folder with `spec.ts` and its
 * runner, one line in CHECK_KINDS and one in createCheck.ts. Pure.
 */
import { z } from 'zod';
import { parseDuration } from '../manifest/duration';
import type { CheckWhen } from './checkFields';
import { CommandCheck } from './command/spec';
import { PactCheck } from './pact/spec';
import { PrometheusCheck } from './prometheus/spec';
import { SchemaCheck } from './schema/spec';
import { SimulatedCheck } from './simulated/spec';
import { SyntheticCheck } from './synthetic/spec';

export const CHECK_KINDS = {
  command: CommandCheck,
  pact: PactCheck,
  simulated: SimulatedCheck,
  prometheus: PrometheusCheck,
  synthetic: SyntheticCheck,
  schema: SchemaCheck,
} as const;
export type CheckKind = keyof typeof CHECK_KINDS;
export const CHECK_KIND_NAMES = Object.keys(CHECK_KINDS) as CheckKind[];

export const Check = z.discriminatedUnion('kind', [CHECK_KINDS.command, CHECK_KINDS.pact, CHECK_KINDS.prometheus, CHECK_KINDS.simulated, CHECK_KINDS.synthetic, CHECK_KINDS.schema], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
    const given = kind === undefined ? 'a check needs a kind' : `${JSON.stringify(kind)} is not a check kind`;
    return `${given}: use one of ${CHECK_KIND_NAMES.join(', ')}`;
  },
});
export type Check = z.infer<typeof Check>;

/** The moment a check runs at: its `when`, else its kind's default (pact: after its provider; schema: preflight). */
export function checkMoment(check: Check): CheckWhen {
  if (check.when !== undefined) return check.when;
  const kind: string = check.kind;
  const provider = (check as { provider?: unknown }).provider;
  if (kind === 'pact' && typeof provider === 'string') return { after: [provider] };
  if (kind === 'schema') return 'preflight';
  return 'final';
}

/** `preflight`, `final`, `afterRollback` or `after orders, payments`. */
export function describeMoment(when: CheckWhen): string {
  return typeof when === 'string' ? when : `after ${when.after.join(', ')}`;
}

/**
 * The longest one run of a check may take: its `timeout`, and for a check that samples (prometheus)
 * the time its samples are spread over on top.
 */
export function checkRunLimitMs(check: Check): number {
  const timeoutMs = parseDuration(check.timeout)!;
  if (check.kind === 'prometheus') return timeoutMs + check.samples * (timeoutMs + parseDuration(check.sampleInterval)!);
  return timeoutMs;
}
