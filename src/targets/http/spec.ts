/**
 * The `http` target's manifest block and step timeout (its own `timeout`): a deploy API of the
 * user's. `deploy` (and `rollback`, default: deploy with the old version) are requests; `current`
 * reads the running version (the body as text, or one JSON value by `jsonPath`); `await`, when
 * given, is polled after a deploy or rollback until it answers as `until` says. Placeholders and
 * `${ENV}` references (in header values, from the worker's environment) are defined here and
 * filled in by placeholders.ts. Pure: the workflow validates manifests with it.
 */
import { z } from 'zod';
import { parseDuration } from '../../manifest/duration';
import { DAY, HOUR, duration } from '../../manifest/fields';
import { parseJsonPath } from '../../checks/synthetic/spec';

/** `{{name}}` in URLs, header values, JSON string values and bodies: one of the step's values. */
export const PLACEHOLDERS = ['version', 'previousVersion', 'service', 'releaseId', 'environment'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** What `current` can use: it is read before any version is known. */
const CURRENT_PLACEHOLDERS: readonly Placeholder[] = ['service', 'releaseId', 'environment'];

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const ENV_REFERENCE = /\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const list = (names: readonly string[]): string => names.map((n) => `{{${n}}}`).join(', ');

/** Why a text's placeholders are not all among `allowed`, or undefined. */
function placeholderProblem(text: string, allowed: readonly Placeholder[] = PLACEHOLDERS): string | undefined {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `{{${match[1]}}} is not a placeholder: use ${list(PLACEHOLDERS)}`;
    }
    if (!allowed.includes(name as Placeholder)) {
      return `{{${name}}} is not known here (only ${list(allowed)}): the version is not known when it is read`;
    }
  }
  return undefined;
}

/** Why a header value's `${NAME}` references are not all variable names, or undefined. */
function envReferenceProblem(text: string): string | undefined {
  for (const match of text.matchAll(ENV_REFERENCE)) {
    if (!ENV_NAME.test(match[1]!)) return `\${${match[1]}} is not an environment variable: names are letters, digits and _, e.g. \${DEPLOY_TOKEN}`;
  }
  return undefined;
}

/** Every string value of a JSON value, with its path (for the manifest's messages). */
function jsonStrings(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonStrings(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => jsonStrings(item, [...path, key]));
  return [];
}


export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;

/** An http(s) URL once its placeholders are filled in. */
function templatedUrl(allowed: readonly Placeholder[]) {
  return z.string({ error: 'must be an http(s) URL' }).superRefine((text, ctx) => {
    const problem = placeholderProblem(text, allowed);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return;
    }
    if (!z.url({ protocol: /^https?$/ }).safeParse(text.replace(/\{\{[^{}]*\}\}/g, 'x')).success) {
      ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, e.g. "http://deployer.internal/api/payments" (got "${text}")` });
    }
  });
}

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'is not an HTTP header name');

/** Header values may hold placeholders and `${ENV}` references; Idempotency-Key is Lockstep's own. */
function headers(allowed: readonly Placeholder[]) {
  const value = z.string().superRefine((text, ctx) => {
    const problem = placeholderProblem(text, allowed) ?? envReferenceProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  return z.record(HeaderName, value).superRefine((given, ctx) => {
    for (const name of Object.keys(given)) {
      if (name.toLowerCase() === 'idempotency-key') {
        ctx.addIssue({ code: 'custom', path: [name], message: 'Idempotency-Key is set by Lockstep: every request carries the step\'s idempotency key' });
      }
    }
  });
}

/** A block's own message when it is missing or not an object; other issues keep theirs. */
function blockError(example: string) {
  return (issue: { code: string; input?: unknown }): string | undefined =>
    issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? 'is required' : `must be an object such as ${example}`;
}

const JsonPathText = z.string().superRefine((text, ctx) => {
  const parsed = parseJsonPath(text);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});

/** Placeholder problems of every string value of a JSON value, at their paths under `at`. */
function checkJsonPlaceholders(value: unknown, at: (string | number)[], ctx: z.RefinementCtx, allowed: readonly Placeholder[] = PLACEHOLDERS): void {
  for (const { path, text } of jsonStrings(value)) {
    const problem = placeholderProblem(text, allowed);
    if (problem) ctx.addIssue({ code: 'custom', path: [...at, ...path], message: problem });
  }
}

/** A deploy or rollback request. */
export const HttpRequest = z
  .strictObject(
    {
      method: z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }).default('POST'),
      url: templatedUrl(PLACEHOLDERS),
      headers: headers(PLACEHOLDERS).optional(),
      /** Sent as the JSON body (content-type application/json); string values may hold placeholders. */
      json: z.json().optional(),
      /** Sent as the body as it is (after its placeholders), content-type text/plain unless a header says otherwise. */
      body: z.string().optional(),
    },
    { error: blockError('{ url: "http://deployer.internal/api/payments", json: { version: "{{version}}" } }') },
  )
  .superRefine((request, ctx) => {
    if (request.json !== undefined && request.body !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'give json or body, not both' });
    } else if (request.method === 'GET' && (request.json !== undefined || request.body !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [request.json !== undefined ? 'json' : 'body'], message: 'a GET request has no body: use POST, PUT or PATCH' });
    }
    checkJsonPlaceholders(request.json, ['json'], ctx);
    const problem = request.body === undefined ? undefined : placeholderProblem(request.body);
    if (problem) ctx.addIssue({ code: 'custom', path: ['body'], message: problem });
  });
export type HttpRequest = z.infer<typeof HttpRequest>;

/** GET that reads the running version: the trimmed body, or the value at `jsonPath` ('' or null = not deployed). */
export const HttpCurrent = z.strictObject(
  {
    url: templatedUrl(CURRENT_PLACEHOLDERS),
    headers: headers(CURRENT_PLACEHOLDERS).optional(),
    jsonPath: JsonPathText.optional(),
  },
  { error: blockError('{ url: "http://deployer.internal/api/payments", jsonPath: "$.version" }') },
);
export type HttpCurrent = z.infer<typeof HttpCurrent>;

export const HttpAwait = z.strictObject({
  url: templatedUrl(PLACEHOLDERS),
  headers: headers(PLACEHOLDERS).optional(),
  until: z
    .strictObject({
      /** The status the answer must have; without it, any 2xx. */
      status: z.number({ error: 'must be an HTTP status, e.g. 200' }).int().min(100).max(599).optional(),
      /** A subset match of the JSON body; string values may hold placeholders ("{{version}}"). */
      json: z.json().optional(),
    })
    .superRefine((until, ctx) => {
      if (until.status === undefined && until.json === undefined) ctx.addIssue({ code: 'custom', message: 'must give status or json (or both)' });
      checkJsonPlaceholders(until.json, ['json'], ctx);
    }),
  interval: duration(10, HOUR).default('2s'),
});
export type HttpAwait = z.infer<typeof HttpAwait>;

export const HttpTarget = z.strictObject({
  kind: z.literal('http'),
  deploy: HttpRequest,
  rollback: HttpRequest.optional(),
  current: HttpCurrent,
  await: HttpAwait.optional(),
  /** The whole step: reading current, the request and the await. */
  timeout: duration(1000, DAY).default('5m'),
  /** One request's limit (within what is left of `timeout`); no answer by then is retried. */
  requestTimeout: duration(100, HOUR).default('30s'),
});
export type HttpTarget = z.infer<typeof HttpTarget>;

export const httpTargetKind = {
  schema: HttpTarget,
  stepTimeoutMs: (spec: HttpTarget): number => parseDuration(spec.timeout)!,
};
