/**
 * Fills a synthetic step's `{{name}}` (a value captured by an earlier step) and
 * `{{version.<service>}}` (the version that service runs, from the check's context). In a JSON value,
 * a string that is exactly one template takes the captured value with its type (`"{{id}}"` -> 42);
 * elsewhere the value is written into the string as is (strings) or as JSON (other values).
 */
import { TEMPLATE, templateReference } from './spec';

export interface TemplateValues {
  captures: Readonly<Record<string, unknown>>;
  versions: Readonly<Record<string, string>>;
}

/** A template that cannot be filled: its message names it. */
export class TemplateError extends Error {}

export function fillString(text: string, values: TemplateValues): string {
  return text.replace(TEMPLATE, (_whole, inside: string) => {
    const value = templateValue(inside, values);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

export function fillJson(value: unknown, values: TemplateValues): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([^{}]*)\}\}$/.exec(value);
    return whole ? templateValue(whole[1]!, values) : fillString(value, values);
  }
  if (Array.isArray(value)) return value.map((item) => fillJson(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillJson(item, values)]));
  }
  return value;
}

function templateValue(inside: string, values: TemplateValues): unknown {
  const reference = templateReference(inside);
  if ('error' in reference) throw new TemplateError(reference.error);
  if ('versionOf' in reference) {
    const version = values.versions[reference.versionOf];
    if (version === undefined) {
      const known = Object.keys(values.versions).join(', ') || 'none';
      throw new TemplateError(`{{version.${reference.versionOf}}}: ${reference.versionOf} is not a service of this release (services: ${known})`);
    }
    return version;
  }
  if (!Object.prototype.hasOwnProperty.call(values.captures, reference.capture)) {
    throw new TemplateError(`{{${reference.capture}}} was not captured by an earlier step`);
  }
  return values.captures[reference.capture];
}
