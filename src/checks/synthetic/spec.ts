/**
 * The `synthetic` check's block: a business transaction as HTTP requests in order, each with the
 * status, JSON fields (a subset match) and latency it must show, and values captured from its JSON
 * body for later steps (`{{orderId}}`; `{{version.<service>}}` is the version that service runs).
 * Also the two small languages the block uses: JSON paths and `{{...}}` templates. Pure: the
 * workflow validates manifests with it.
 *
 * JSON paths are a documented subset of JSONPath that names exactly one value: `$`, `.name`,
 * `[0]`, `['any key']` / `["any key"]`, e.g. `$.id`, `$.items[0].sku`, `$['order-id']`. No
 * wildcards, filters or recursive descent: a capture is one value.
 */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';
import { CHECK_BASE_FIELDS } from '../checkFields';

/** One step of a JSON path: a key of an object or an index into an array. */
export type JsonPathSegment = string | number;

const DOT_KEY = /^\.([A-Za-z_][A-Za-z0-9_-]*)/;
const INDEX = /^\[(0|[1-9][0-9]*)\]/;
const QUOTED_KEY = /^\[(?:'([^']*)'|"([^"]*)")\]/;

/** The segments of a JSON path of the subset above, or why it is not one. */
export function parseJsonPath(text: string): { segments: JsonPathSegment[] } | { error: string } {
  if (!text.startsWith('$')) return { error: `"${text}" is not a JSON path: it must start with $, e.g. "$.id" or "$.items[0].sku"` };
  const segments: JsonPathSegment[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const dot = DOT_KEY.exec(rest);
    const index = dot ? null : INDEX.exec(rest);
    const quoted = dot || index ? null : QUOTED_KEY.exec(rest);
    const match = dot ?? index ?? quoted;
    if (!match) {
      return {
        error: `"${text}" is not a JSON path of the supported form at "${rest}": use .name, [0] or ['key'] after $ (no wildcards or filters), e.g. "$.items[0].sku"`,
      };
    }
    segments.push(dot ? dot[1]! : index ? Number(index[1]) : (quoted![1] ?? quoted![2])!);
    rest = rest.slice(match[0].length);
  }
  return { segments };
}

/** `$.items[0].sku`, `$['order-id']`: how findings name a field. */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += `.${segment}`;
    else out += `['${segment}']`;
  }
  return out;
}

/** `{{ name }}` anywhere in a string; what is inside is checked by templateReference. */
export const TEMPLATE = /\{\{([^{}]*)\}\}/g;
const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION_REFERENCE = /^version\.([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/;

/** What `{{inside}}` refers to: a capture of an earlier step, a service's version, or nothing valid. */
export function templateReference(inside: string): { capture: string } | { versionOf: string } | { error: string } {
  const name = inside.trim();
  const version = VERSION_REFERENCE.exec(name);
  if (version) return { versionOf: version[1]! };
  if (CAPTURE_NAME.test(name) && name !== 'version') return { capture: name };
  return { error: `{{${inside}}} is not a variable: write {{name}} (captured by an earlier step) or {{version.<service>}}` };
}

/** Why a capture's name is not one, or undefined. */
function captureNameProblem(name: string): string | undefined {
  if (name === 'version') return '"version" is reserved for {{version.<service>}}';
  return CAPTURE_NAME.test(name) ? undefined : `"${name}" is not a capture name: use letters, digits and _ (e.g. orderId)`;
}

const JsonPathText = z.string().superRefine((text, ctx) => {
  const parsed = parseJsonPath(text);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** An http(s) URL once its templates are filled in; one that starts with a template is checked when it runs. */
const TemplatedUrl = z.string().superRefine((text, ctx) => {
  if (text.startsWith('{{')) return;
  const filled = text.replace(TEMPLATE, 'x');
  if (!z.url({ protocol: /^https?$/ }).safeParse(filled).success) {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, e.g. "http://127.0.0.1:7313/orders" (got "${text}")` });
  }
});

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'is not an HTTP header name');

export const SyntheticRequest = z.strictObject({
  method: z.enum(METHODS, { error: `must be one of ${METHODS.join(', ')}` }).default('GET'),
  url: TemplatedUrl,
  headers: z.record(HeaderName, z.string()).optional(),
  /** Sent as the JSON body (content-type application/json). */
  json: z.json().optional(),
});

export const SyntheticExpect = z.strictObject({
  status: z.number({ error: 'must be an HTTP status, e.g. 201' }).int().min(100).max(599).default(200),
  /** A subset match: every field given must be in the body with this value; arrays element by element. */
  json: z.json().optional(),
  /** A slower answer fails the step (measured until the whole body arrived). */
  maxLatency: duration(1, HOUR).optional(),
});

export const SyntheticStep = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  request: SyntheticRequest,
  expect: SyntheticExpect.prefault({}),
  /** name -> JSON path into this step's response body; later steps use it as {{name}}. */
  capture: z
    .record(z.string(), JsonPathText)
    .superRefine((capture, ctx) => {
      for (const name of Object.keys(capture)) {
        const problem = captureNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
      }
    })
    .optional(),
}).superRefine((step, ctx) => {
  if (step.request.json !== undefined && (step.request.method === 'GET' || step.request.method === 'HEAD')) {
    ctx.addIssue({ code: 'custom', path: ['request', 'json'], message: `a ${step.request.method} request has no body: use POST, PUT or PATCH` });
  }
});
export type SyntheticStep = z.infer<typeof SyntheticStep>;

export const SyntheticCheck = z
  .strictObject({
    ...CHECK_BASE_FIELDS,
    kind: z.literal('synthetic'),
    steps: z.array(SyntheticStep).min(1, 'must have at least one step').max(100, 'at most 100 steps'),
  })
  .superRefine((check, ctx) => {
    const captured = new Set<string>();
    check.steps.forEach((step, s) => {
      for (const { path, text } of templatedStrings(step)) {
        for (const match of text.matchAll(TEMPLATE)) {
          const reference = templateReference(match[1]!);
          const problem =
            'error' in reference
              ? reference.error
              : 'capture' in reference && !captured.has(reference.capture)
                ? `{{${reference.capture}}} is not captured by an earlier step (captured before this step: ${[...captured].join(', ') || 'nothing'})`
                : undefined;
          if (problem) ctx.addIssue({ code: 'custom', path: ['steps', s, ...path], message: problem });
        }
      }
      for (const name of Object.keys(step.capture ?? {})) captured.add(name);
    });
  });
export type SyntheticCheck = z.infer<typeof SyntheticCheck>;

/** Every string of a step that may hold templates, with its path in the step. */
function templatedStrings(step: SyntheticStep): { path: JsonPathSegment[]; text: string }[] {
  const out: { path: JsonPathSegment[]; text: string }[] = [{ path: ['request', 'url'], text: step.request.url }];
  for (const [name, value] of Object.entries(step.request.headers ?? {})) out.push({ path: ['request', 'headers', name], text: value });
  const walk = (value: unknown, path: JsonPathSegment[]): void => {
    if (typeof value === 'string') out.push({ path, text: value });
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(step.request.json, ['request', 'json']);
  walk(step.expect.json, ['expect', 'json']);
  return out;
}
