/** Reads the one value a JSON path (the subset in spec.ts) names in a parsed JSON body. */
import type { JsonPathSegment } from './spec';

export function jsonPathValue(json: unknown, segments: readonly JsonPathSegment[]): { found: true; value: unknown } | { found: false } {
  let value: unknown = json;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value) || segment >= value.length) return { found: false };
      value = value[segment];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, segment)) {
        return { found: false };
      }
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value };
}
