/**
 * The `prometheus` check: an instant query (GET <address>/api/v1/query) taken `samples` times,
 * `sampleInterval` apart; each sample is a finding (the measured value against `pass`, `no data`,
 * or Prometheus's own error). The run stops, failed, once `failureLimit` samples failed. An
 * unreachable Prometheus is a failed sample, not a throw.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration } from '../../manifest/duration';
import type { CheckContext, CheckFinding, CheckOutcome, CheckRunner } from '../check';
import { type PassCondition, type PrometheusCheck, parsePassCondition, queryPlaceholders } from './spec';

const HEARTBEAT_MS = 1000;

/** What one instant query answered: a number, nothing, or why there is no usable number. */
type Measurement = { kind: 'value'; value: number; text: string } | { kind: 'noData' } | { kind: 'error'; message: string };

export function createPrometheusCheck(spec: PrometheusCheck, opts: { timeoutMs: number }): CheckRunner {
  const condition = parsePassCondition(spec.pass);
  if (!condition) throw new Error(`prometheus check ${spec.name}: pass "${spec.pass}" was not validated`);
  const intervalMs = parseDuration(spec.sampleInterval) ?? 10_000;
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      const query = substituteVersions(spec.query, ctx.versions);
      if (typeof query !== 'string') {
        return { status: 'failed', summary: query.message, findings: [{ item: 'query', status: 'failed', message: query.message }] };
      }
      const findings: CheckFinding[] = [];
      let failures = 0;
      for (let n = 1; n <= spec.samples && failures < spec.failureLimit; n++) {
        if (n > 1) await waitWithHeartbeat(intervalMs, ctx);
        ctx.heartbeat();
        const measurement = await instantQuery(spec.address, query, opts.timeoutMs, ctx.signal);
        const finding = judge(`sample ${n}/${spec.samples}`, measurement, condition, spec.noData);
        ctx.logger.info({ check: ctx.check, item: finding.item, status: finding.status, message: finding.message }, 'prometheus sample');
        findings.push(finding);
        if (finding.status === 'failed') failures++;
      }
      return outcome(findings, failures, spec.failureLimit);
    },
  };
}

/** `{{version.orders}}` -> the version orders runs once the release succeeds. */
function substituteVersions(query: string, versions: Readonly<Record<string, string>>): string | { message: string } {
  const missing = queryPlaceholders(query).services.filter((service) => versions[service] === undefined);
  if (missing.length > 0) {
    const known = Object.keys(versions).sort().join(', ') || 'none';
    return { message: `the query uses {{version.${missing[0]}}} but ${missing[0]} is not a service of this release (services: ${known})` };
  }
  return query.replace(/\{\{\s*version\.([a-z0-9-]+)\s*\}\}/g, (_whole, service: string) => versions[service]!);
}

async function waitWithHeartbeat(ms: number, ctx: CheckContext): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    await delay(Math.min(left, HEARTBEAT_MS), undefined, { signal: ctx.signal });
    ctx.heartbeat();
  }
}

/** The Prometheus HTTP API's answer to an instant query (https://prometheus.io/docs/prometheus/latest/querying/api/). */
interface QueryResponse {
  status?: 'success' | 'error';
  error?: string;
  data?: { resultType?: string; result?: unknown };
}
type SampleValue = [number, string];
interface VectorSample {
  metric: Record<string, string>;
  value: SampleValue;
}

async function instantQuery(address: string, query: string, timeoutMs: number, signal: AbortSignal): Promise<Measurement> {
  const url = new URL('api/v1/query', address.endsWith('/') ? address : `${address}/`);
  url.searchParams.set('query', query);
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    body = await response.text();
  } catch (err) {
    if (signal.aborted) throw err;
    return { kind: 'error', message: `cannot reach Prometheus at ${address}: ${networkReason(err, timeoutMs)}` };
  }
  let answer: QueryResponse;
  try {
    answer = JSON.parse(body) as QueryResponse; // the API's documented shape; every field is checked below
  } catch {
    return { kind: 'error', message: `HTTP ${response.status} from ${url.origin}${url.pathname} is not the Prometheus API: ${firstLine(body)}` };
  }
  if (answer.status !== 'success') {
    return { kind: 'error', message: answer.error ?? `HTTP ${response.status}: ${firstLine(body)}` };
  }
  return readResult(answer.data?.resultType, answer.data?.result);
}

function readResult(resultType: string | undefined, result: unknown): Measurement {
  if (resultType === 'scalar') return fromSampleValue(result as SampleValue);
  if (resultType === 'vector' && Array.isArray(result)) {
    const series = result as VectorSample[];
    if (series.length === 0) return { kind: 'noData' };
    if (series.length === 1) return fromSampleValue(series[0]!.value);
    const shown = series.slice(0, 3).map((s) => describeSeries(s.metric)).join(', ');
    return {
      kind: 'error',
      message: `the query returned ${series.length} series (${shown}${series.length > 3 ? ', ...' : ''}); it must return one: aggregate it, e.g. with sum(...) or max(...)`,
    };
  }
  if (resultType === 'matrix') {
    return { kind: 'error', message: 'the query returned a range vector; use an instant query, e.g. rate(x[1m]) instead of x[1m]' };
  }
  return { kind: 'error', message: `the query returned a ${resultType ?? 'missing'} result; it must return a scalar or one series` };
}

function fromSampleValue(sample: SampleValue): Measurement {
  const text = String(sample[1]);
  return { kind: 'value', value: Number(text), text };
}

function judge(item: string, measurement: Measurement, condition: PassCondition, noData: 'fail' | 'pass'): CheckFinding {
  if (measurement.kind === 'error') return { item, status: 'failed', message: measurement.message };
  if (measurement.kind === 'noData') {
    return noData === 'pass' ? { item, status: 'passed', message: 'no data (noData: pass)' } : { item, status: 'failed', message: 'no data' };
  }
  const holds = compare(measurement.value, condition);
  const shown = Number.isFinite(measurement.value) ? String(Number(measurement.value.toPrecision(6))) : measurement.text;
  return { item, status: holds ? 'passed' : 'failed', message: `${shown} ${condition.operator} ${condition.threshold} is ${holds}` };
}

function compare(value: number, { operator, threshold }: PassCondition): boolean {
  switch (operator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
  }
}

function outcome(findings: CheckFinding[], failures: number, failureLimit: number): CheckOutcome {
  const failed = findings.filter((f) => f.status === 'failed');
  if (failures >= failureLimit) {
    const last = failed[failed.length - 1]!;
    return { status: 'failed', summary: `${failures} of ${findings.length} samples failed: ${last.item}: ${last.message}`, findings };
  }
  const last = findings[findings.length - 1]!;
  const tolerated = failures > 0 ? `, ${failures} failed (failureLimit ${failureLimit})` : '';
  return { status: 'passed', summary: `${findings.length - failures} of ${findings.length} samples passed${tolerated}: ${last.message}`, findings };
}

/** `{__name__="x", code="500"}` -> `{code="500"}`. */
function describeSeries(metric: Record<string, string>): string {
  const labels = Object.entries(metric)
    .filter(([name]) => name !== '__name__')
    .map(([name, value]) => `${name}="${value}"`);
  return `${metric.__name__ ?? ''}{${labels.join(', ')}}`;
}

/**
 * fetch's `fetch failed` hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS error). Read
 * by shape, not instanceof: fetch's errors may come from another realm (jest's sandbox).
 */
function networkReason(err: unknown, timeoutMs: number): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  if (typeof error.cause?.message === 'string' && error.cause.message) return error.cause.message;
  return typeof error.message === 'string' ? error.message : String(err);
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200) || '(empty body)';
}
