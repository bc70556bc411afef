/**
 * The subset match of a synthetic step's `expect.json`: every field the expectation names must be in
 * the body with that value (objects may have more fields); arrays match element by element and
 * must be as long; other values must be equal. Each mismatch names its field by JSON path.
 */
import { formatJsonPath, type JsonPathSegment } from './spec';

/** Lines such as `$.state: expected "paid", got "created"`; empty when the body matches. */
export function jsonSubsetMismatches(actual: unknown, expected: unknown, path: JsonPathSegment[] = []): string[] {
  const here = formatJsonPath(path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${here}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${here}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, i) => jsonSubsetMismatches(actual[i], item, [...path, i]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${here}: expected an object, got ${show(actual)}`];
    const fields = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([key, want]) =>
      Object.prototype.hasOwnProperty.call(fields, key)
        ? jsonSubsetMismatches(fields[key], want, [...path, key])
        : [`${formatJsonPath([...path, key])}: expected ${show(want)}, got no such field`],
    );
  }
  return actual === expected ? [] : [`${here}: expected ${show(expected)}, got ${show(actual)}`];
}

/** A value as JSON, cut at `max` characters. */
export function show(value: unknown, max = 120): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
