/**
 * Messages for the manifest problems a person most often makes, in place of zod's generic ones:
 *   a number or boolean where a string belongs (`version: 1.0`, read by YAML as the number 1):
 *     `must be a string: quote it, "1.0"` (quoting the text as written, not the number it became);
 *   a misspelt key: `unknown key "depends_on"; did you mean "dependsOn"?`
 * The CLI's loader passes this as the parse's error map; the workflow keeps zod's messages.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** The source text of the scalar at a path, when the manifest was YAML and it is there. */
export type SourceOf = (path: readonly PropertyKey[]) => string | undefined;

type RawIssue = z.core.$ZodRawIssue;

export function manifestIssueMessages(sourceOf: SourceOf): (issue: RawIssue) => string | undefined {
  return (issue) => {
    if (issue.code === 'invalid_type' && issue.expected === 'string' && ['number', 'boolean', 'bigint'].includes(typeof issue.input)) {
      const written = sourceOf(issue.path ?? []) ?? String(issue.input);
      return `must be a string: quote it, ${JSON.stringify(written)}`;
    }
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(objectShape(issue.inst) ?? {});
      return unknownKeys(issue.keys, known);
    }
    return undefined;
  };
}

/** `unknown key "depends_on"; did you mean "dependsOn"?`, or for several `unknown keys "a" (did you mean "b"?), "c"`. */
function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const named = keys.map((key) => ({ key: JSON.stringify(key), suggestion: nearest(key, known) }));
  if (named.length === 1) {
    const [{ key, suggestion }] = named as [(typeof named)[number]];
    return `unknown key ${key}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`;
  }
  return `unknown keys ${named.map(({ key, suggestion }) => (suggestion ? `${key} (did you mean ${JSON.stringify(suggestion)}?)` : key)).join(', ')}`;
}

/** The known key closest to a misspelt one (case aside), when it is close enough to be what was meant. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const best = closest(lower, [...byLower.keys()]);
  // one edit in three characters at most: "dependson", "depends_on", "helth" but not "replicas" -> "target"
  return distance(lower, best) <= Math.max(1, Math.floor(key.length / 3)) ? byLower.get(best) : undefined;
}

/** The shape of the object schema an issue came from (zod keeps it on the schema's definition). */
function objectShape(inst: unknown): Record<string, unknown> | undefined {
  const def = (inst as { _zod?: { def?: { shape?: unknown } } } | undefined)?._zod?.def;
  return def && typeof def.shape === 'object' && def.shape !== null ? (def.shape as Record<string, unknown>) : undefined;
}
