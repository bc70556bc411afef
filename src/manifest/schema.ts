/**
 * The `lockstep/v1` manifest: the one source of truth for its types (z.infer).
 * Pure (no I/O): the release workflow validates its input with the same schema.
 */
import { z } from 'zod';
import { DAY, HOUR, duration } from './fields';
import { Target } from '../targets/targetKinds';
import { Health } from '../probes/probeKinds';
import { findDependencyProblems } from '../plan/dependencyGraph';
import { Check, checkMoment } from '../checks/checkKinds';
import { Notification } from '../notifications/notificationKinds';

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ID = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,99})$/;

// The target kinds' own blocks live in their folders (src/targets/<kind>/spec.ts); re-exported for the manifest's readers.
export { Argv, duration } from './fields';
export { CommandTarget } from '../targets/command/spec';
export { ProcessTarget } from '../targets/process/spec';
export { SimulatedTarget, SimulatedStep } from '../targets/simulated/spec';
export { Target } from '../targets/targetKinds';

// Probe kinds live in their folders (src/probes/<kind>/spec.ts); the health block is assembled in probeKinds.ts.
export { Health, HttpProbe, SimulatedProbe, TcpProbe } from '../probes/probeKinds';

export const Service = z.strictObject({
  name: z.string().regex(NAME, 'must be lowercase letters, digits and dashes (at most 63), e.g. "payments"'),
  version: z
    .string()
    .min(1, 'must not be empty')
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be letters, digits, ".", "_", "+" or "-", e.g. "2.4.0"'),
  dependsOn: z.array(z.string()).default([]),
  target: Target,
  health: Health.optional(),
});
export type Service = z.infer<typeof Service>;

export const Gate = z.strictObject({
  name: z.string().regex(NAME, 'must be lowercase letters, digits and dashes'),
  before: z.array(z.string()).min(1, 'must name at least one service'),
  approvers: z.array(z.string().min(1)).min(1).optional(),
  timeout: duration(1000, 30 * DAY).default('1h'),
});
export type Gate = z.infer<typeof Gate>;

export const RetryPolicy = z.strictObject({
  deployAttempts: z.number().int().min(1).max(100).default(3),
  rollbackAttempts: z.number().int().min(1).max(100).default(5),
  initialInterval: duration(10, HOUR).default('1s'),
});

export const Spec = z
  .strictObject({
    services: z.array(Service).min(1, 'must list at least one service').max(2000, 'at most 2000 services'),
    gates: z.array(Gate).default([]),
    /** Verifications that decide commit or roll back (DESIGN.md, "Checks"). */
    checks: z.array(Check).max(200, 'at most 200 checks').default([]),
    /** Messages on release events: a CloudEvents webhook or a Slack incoming webhook. */
    notify: z.array(Notification).max(20, 'at most 20 notifications').default([]),
    maxParallel: z.number().int().min(1).max(1000).default(10),
    retries: RetryPolicy.default({ deployAttempts: 3, rollbackAttempts: 5, initialInterval: '1s' }),
  })
  .superRefine((spec, ctx) => {
    for (const problem of findDependencyProblems(spec.services)) {
      ctx.addIssue({ code: 'custom', path: ['services', ...problem.path], message: problem.message });
    }
    const names = new Set(spec.services.map((s) => s.name));
    const gateNames = new Set<string>();
    spec.gates.forEach((gate, g) => {
      if (gateNames.has(gate.name)) {
        ctx.addIssue({ code: 'custom', path: ['gates', g, 'name'], message: `duplicate gate name "${gate.name}"` });
      }
      gateNames.add(gate.name);
      gate.before.forEach((service, i) => {
        if (!names.has(service)) {
          ctx.addIssue({ code: 'custom', path: ['gates', g, 'before', i], message: `unknown service "${service}"` });
        }
      });
    });
    const checkNames = new Set<string>();
    spec.checks.forEach((check, c) => {
      if (checkNames.has(check.name)) {
        ctx.addIssue({ code: 'custom', path: ['checks', c, 'name'], message: `duplicate check name "${check.name}"` });
      }
      checkNames.add(check.name);
      const when = checkMoment(check);
      if (typeof when === 'object') {
        when.after.forEach((service, i) => {
          if (!names.has(service)) {
            ctx.addIssue({
              code: 'custom',
              path: ['checks', c, 'when', 'after', i],
              message: `"${service}" is not a service of this release (services: ${[...names].slice(0, 10).join(', ')})`,
            });
          }
        });
      }
      // the service names a kind's block holds (pact's provider, schema's producers and consumers)
      const named = check as { provider?: unknown; producers?: unknown; consumers?: unknown };
      const fields: [string, unknown][] = [['provider', named.provider], ['producers', named.producers], ['consumers', named.consumers]];
      for (const [field, value] of fields) {
        const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : [];
        list.forEach((service, i) => {
          if (typeof service === 'string' && !names.has(service)) {
            ctx.addIssue({
              code: 'custom',
              path: ['checks', c, field, ...(typeof value === 'string' ? [] : [i])],
              message: `"${service}" is not a service of this release (services: ${[...names].slice(0, 10).join(', ')})`,
            });
          }
        });
      }
      if (check.bake !== undefined && when !== 'final') {
        ctx.addIssue({ code: 'custom', path: ['checks', c, 'bake'], message: `a bake needs when: final (this check runs ${typeof when === 'string' ? when : 'after services'})` });
      }
      if (check.alsoAfterRollback && when === 'afterRollback') {
        ctx.addIssue({ code: 'custom', path: ['checks', c, 'alsoAfterRollback'], message: 'is implied by when: afterRollback' });
      }
    });
  });
export type Spec = z.infer<typeof Spec>;

export const Manifest = z.strictObject({
  apiVersion: z.literal('lockstep/v1', { error: 'must be "lockstep/v1"' }),
  kind: z.literal('Release', { error: 'must be "Release"' }),
  metadata: z.strictObject({
    id: z.string().regex(ID, 'must be letters, digits, ".", "_" or "-" (at most 100), e.g. "checkout-42"').optional(),
    environment: z.string().regex(NAME, 'must be lowercase letters, digits and dashes, e.g. "staging"'),
    /** The change this release ships, for `lockstep dora`'s lead time (commit to Succeeded). */
    source: z
      .strictObject({
        revision: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters, e.g. a commit hash'),
        committedAt: z.iso.datetime({ offset: true, message: 'must be an ISO time with its zone, e.g. "2026-12-01T09:30:00Z"' }),
      })
      .optional(),
  }),
  spec: Spec,
});
/** A validated manifest, defaults filled in. */
export type Manifest = z.infer<typeof Manifest>;
/** A manifest as written (what the CLI sends; the workflow parses it again). */
export type ManifestInput = z.input<typeof Manifest>;
