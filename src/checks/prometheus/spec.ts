/**
 * The `prometheus` check's block (metric analysis, as Argo Rollouts' analysis does): an instant
 * PromQL query taken `samples` times, `sampleInterval` apart, each sample compared with `pass`.
 * `sampleInterval` is its own field because the base `interval` is the time between bake rounds.
 * The query may say `{{version.<service>}}` (the version that service runs once the release
 * succeeds), e.g. to select the canary's series. Pure.
 */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';
import { CHECK_BASE_FIELDS } from '../checkFields';

/** `< 0.5`, `<= 1`, `> 0`, `>= 99.9`, `== 0`: an operator and a number. */
const PASS_CONDITION = /^\s*(<=|>=|==|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const VERSION_PLACEHOLDER = /^version\.([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/;

export type PassOperator = '<' | '<=' | '>' | '>=' | '==';
export interface PassCondition {
  operator: PassOperator;
  threshold: number;
}

/** The condition a `pass` string says, or undefined if it is not one. */
export function parsePassCondition(text: string): PassCondition | undefined {
  const match = PASS_CONDITION.exec(text);
  if (!match) return undefined;
  return { operator: match[1] as PassOperator, threshold: Number(match[2]) };
}

/** The services a query's `{{version.<service>}}` placeholders name, or the first placeholder that is not one. */
export function queryPlaceholders(query: string): { services: string[]; invalid?: string } {
  const services: string[] = [];
  for (const [whole, inner] of query.matchAll(PLACEHOLDER)) {
    const version = VERSION_PLACEHOLDER.exec(inner ?? '');
    if (!version) return { services, invalid: whole };
    services.push(version[1]!);
  }
  return { services };
}

export const PrometheusCheck = z
  .strictObject({
    ...CHECK_BASE_FIELDS,
    kind: z.literal('prometheus'),
    /** The Prometheus server (its HTTP API is under `<address>/api/v1/`). */
    address: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. "http://127.0.0.1:9090"' }),
    query: z
      .string({ error: 'must be a PromQL query, e.g. "sum(rate(http_requests_total{code=~\\"5..\\"}[1m]))"' })
      .trim()
      .min(1, 'must be a PromQL query, e.g. "sum(rate(http_requests_total{code=~\\"5..\\"}[1m]))"')
      .superRefine((query, ctx) => {
        const { invalid } = queryPlaceholders(query);
        if (invalid !== undefined) {
          ctx.addIssue({ code: 'custom', message: `${invalid} is not a placeholder; the query may use {{version.<service>}}` });
        }
      }),
    pass: z
      .string({ error: 'must be a condition such as "< 0.5" (<, <=, >, >= or == and a number)' })
      .refine((text) => parsePassCondition(text) !== undefined, {
        error: (issue) => `"${String(issue.input)}" is not a condition; write an operator (<, <=, >, >= or ==) and a number, e.g. "< 0.5"`,
      }),
    /** How many measurements one run takes. */
    samples: z.number().int().min(1, 'must be at least 1').max(1000, 'at most 1000').default(1),
    /** Between two samples of one run (the base `interval` is between bake rounds). */
    sampleInterval: duration(100, HOUR).default('10s'),
    /** The run fails as soon as this many samples failed. */
    failureLimit: z.number().int().min(1, 'must be at least 1').default(1),
    /** What a sample with no data (an empty result) counts as. */
    noData: z.enum(['fail', 'pass'], { error: 'must be fail or pass' }).default('fail'),
  })
  .superRefine((check, ctx) => {
    if (check.failureLimit > check.samples) {
      ctx.addIssue({
        code: 'custom',
        path: ['failureLimit'],
        message: `is ${check.failureLimit} but only ${check.samples} sample(s) are taken: the check could never fail`,
      });
    }
  });
export type PrometheusCheck = z.infer<typeof PrometheusCheck>;
