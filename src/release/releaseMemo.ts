/**
 * The release workflow's memo: what `lockstep list` and `lockstep history` read from Temporal's
 * visibility without asking a worker. `versions` (and `source`) is written at start (src/release/startRelease.ts),
 * `outcome` when the release ends (workflows/run/runState.ts `finish()`); releases started before
 * either existed have neither, so every field is optional.
 */
import { z } from 'zod';

export const releaseMemoSchema = z.object({
  /** Service name to the version this release deploys, in manifest order; capped (see versionsLeftOut). */
  versions: z.record(z.string(), z.string()).optional(),
  /** How many services of a huge release were left out of `versions`. */
  versionsLeftOut: z.number().int().nonnegative().optional(),
  outcome: z.object({ status: z.string(), firstError: z.string().optional() }).optional(),
  /** The manifest's `metadata.source` (revision, commit time), written at start: `lockstep dora`'s lead time. */
  source: z.object({ revision: z.string(), committedAt: z.string() }).optional(),
});

export type ReleaseMemo = z.infer<typeof releaseMemoSchema>;

/** The memo fields of a release, or none when the memo is missing or not Lockstep's shape. */
export function readReleaseMemo(memo: Record<string, unknown> | undefined): ReleaseMemo {
  const parsed = releaseMemoSchema.safeParse(memo ?? {});
  return parsed.success ? parsed.data : {};
}

/**
 * The start memo: every service's version while they fit in about `maxBytes` of JSON (a memo rides
 * on every visibility row `list` reads; a release of thousands of services keeps the first ones).
 */
export function versionsMemo(services: readonly { name: string; version: string }[], maxBytes = 8000): Pick<ReleaseMemo, 'versions' | 'versionsLeftOut'> {
  const versions: Record<string, string> = {};
  let size = 2;
  let kept = 0;
  for (const s of services) {
    const add = s.name.length + s.version.length + 6; // quotes, colon, comma
    if (size + add > maxBytes) break;
    versions[s.name] = s.version;
    size += add;
    kept++;
  }
  return kept < services.length ? { versions, versionsLeftOut: services.length - kept } : { versions };
}
