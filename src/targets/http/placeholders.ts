/**
 * Filling in the `http` target's two template languages (spec.ts defines and validates them):
 * `{{name}}`, one of the step's values, and `${NAME}`, a variable of the worker's environment.
 */
import type { Placeholder, PlaceholderValues } from './spec';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const ENV_REFERENCE = /\$\{([^}]*)\}/g;

/** The text with its `{{name}}` filled in; `encode` is applied to each value (URLs). */
export function fillPlaceholders(text: string, values: PlaceholderValues, encode: (value: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (whole, inside: string) => {
    const name = inside.trim() as Placeholder;
    return Object.prototype.hasOwnProperty.call(values, name) ? encode(values[name]) : whole;
  });
}

/** A JSON value with `{{name}}` filled in in every string value (keys are left alone). */
export function fillJsonPlaceholders(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === 'string') return fillPlaceholders(value, values);
  if (Array.isArray(value)) return value.map((item) => fillJsonPlaceholders(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillJsonPlaceholders(item, values)]));
  }
  return value;
}

/** The names of the `${NAME}` references of a text, in order. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(ENV_REFERENCE)].map((m) => m[1]!);
}

/** The text with each `${NAME}` replaced by `lookup(NAME)`. */
export function fillEnvReferences(text: string, lookup: (name: string) => string): string {
  return text.replace(ENV_REFERENCE, (_whole, name: string) => lookup(name));
}
