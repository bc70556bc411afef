/**
 * The registry of probe kinds, workflow-safe half: a `health` block names exactly one kind, whose
 * block comes from its own folder. A new kind: a folder with `spec.ts` and its probe, one line in
 * PROBE_KINDS and one in createProbe.ts. Pure.
 */
import { z } from 'zod';
import { DAY, HOUR, duration } from '../manifest/fields';
import { CommandProbe } from './command/spec';
import { HttpProbe } from './http/spec';
import { SimulatedProbe } from './simulated/spec';
import { TcpProbe } from './tcp/spec';

export { HttpProbe, SimulatedProbe, TcpProbe };

export const PROBE_KINDS = {
  http: HttpProbe,
  command: CommandProbe,
  tcp: TcpProbe,
  simulated: SimulatedProbe,
} as const;
export type ProbeKind = keyof typeof PROBE_KINDS;
const KIND_NAMES = Object.keys(PROBE_KINDS) as ProbeKind[];

export const Health = z
  .strictObject({
    http: PROBE_KINDS.http.optional(),
    command: PROBE_KINDS.command.optional(),
    tcp: PROBE_KINDS.tcp.optional(),
    simulated: PROBE_KINDS.simulated.optional(),
    successThreshold: z.number().int().min(1).max(100).default(1),
    interval: duration(10, HOUR).default('1s'),
    timeout: duration(100, DAY).default('30s'),
  })
  .superRefine((health, ctx) => {
    const kinds = KIND_NAMES.filter((k) => health[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? `needs exactly one probe: ${KIND_NAMES.slice(0, -1).join(', ')} or ${KIND_NAMES[KIND_NAMES.length - 1]}`
            : `needs exactly one probe, found ${kinds.join(' and ')}`,
      });
    }
  });
export type Health = z.infer<typeof Health>;

/** The one probe kind a validated health block names. */
export function probeKindOf(health: Health): ProbeKind {
  return KIND_NAMES.find((k) => health[k] !== undefined)!;
}
