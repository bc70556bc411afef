/**
 * The `lockstep/v1` manifest: the one source of truth for its types (z.infer).
 * Pure (no I/O): the release workflow validates its input with the same schema.
 */
import { z } from 'zod';
import { parseDuration } from './duration';
import { findDependencyProblems } from '../plan/dependencyGraph';

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ID = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,99})$/;

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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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

const EnvVars = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
  z.string(),
);

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

/** A step kind of a service that can be made to fail in a simulation. */
export const SimulatedStep = z.enum(['deploy', 'rollback', 'current']);

/**
 * The `simulated` target: touches nothing; each step takes `latency` (± `jitter` as a fraction)
 * and the steps listed in `fail` fail. The versions it "runs" live in the worker's memory.
 */
export const SimulatedTarget = z.strictObject({
  kind: z.literal('simulated'),
  latency: duration(0, HOUR).default('0ms'),
  rollbackLatency: duration(0, HOUR).optional(),
  jitter: z.number().min(0).max(1).default(0),
  fail: z.array(SimulatedStep).default([]),
  /** What runs before this release's first deploy ('' = nothing). */
  initialVersion: z.string().max(128).default(''),
});
export type SimulatedTarget = z.infer<typeof SimulatedTarget>;

export const Target = z.discriminatedUnion('kind', [CommandTarget, ProcessTarget, SimulatedTarget], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'kind must be one of "command", "process", "simulated"' : undefined,
});
export type Target = z.infer<typeof Target>;

export const HttpProbe = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  expectStatus: z.number().int().min(100).max(599).default(200),
  expectJson: z.record(z.string(), z.unknown()).optional(),
  maxLatency: duration(1, HOUR).optional(),
});
/** A probe that touches nothing: answers after `latency`; with `fail`, the probe after a deploy fails (the re-probe after a rollback passes). */
export const SimulatedProbe = z.strictObject({
  latency: duration(0, HOUR).default('0ms'),
  fail: z.boolean().default(false),
});
export const TcpProbe = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535),
});

export const Health = z
  .strictObject({
    http: HttpProbe.optional(),
    command: Argv.optional(),
    tcp: TcpProbe.optional(),
    simulated: SimulatedProbe.optional(),
    successThreshold: z.number().int().min(1).max(100).default(1),
    interval: duration(10, HOUR).default('1s'),
    timeout: duration(100, DAY).default('30s'),
  })
  .superRefine((health, ctx) => {
    const kinds = (['http', 'command', 'tcp', 'simulated'] as const).filter((k) => health[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'needs exactly one probe: http, command, tcp or simulated'
            : `needs exactly one probe, found ${kinds.join(' and ')}`,
      });
    }
  });
export type Health = z.infer<typeof Health>;

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
  });
export type Spec = z.infer<typeof Spec>;

export const Manifest = z.strictObject({
  apiVersion: z.literal('lockstep/v1', { error: 'must be "lockstep/v1"' }),
  kind: z.literal('Release', { error: 'must be "Release"' }),
  metadata: z.strictObject({
    id: z.string().regex(ID, 'must be letters, digits, ".", "_" or "-" (at most 100), e.g. "checkout-42"').optional(),
    environment: z.string().regex(NAME, 'must be lowercase letters, digits and dashes, e.g. "staging"'),
  }),
  spec: Spec,
});
/** A validated manifest, defaults filled in. */
export type Manifest = z.infer<typeof Manifest>;
/** A manifest as written (what the CLI sends; the workflow parses it again). */
export type ManifestInput = z.input<typeof Manifest>;
