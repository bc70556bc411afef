/**
 * Filling in the `http` target's two template languages (spec.ts defines and validates them):
 * `{{name}}`, one of the step's values (`${NAME}` references: src/manifest/envReferences.ts).
 */
import type { Placeholder, PlaceholderValues } from './spec';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

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
