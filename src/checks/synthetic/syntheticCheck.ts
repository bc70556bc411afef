/**
 * The `synthetic` check: runs a business transaction as HTTP requests in order (global fetch), a
 * finding per step with its status, its latency and, on a mismatch, the field that differs. The
 * first failing step stops the transaction: the later steps are listed as failed findings
 * "not run: an earlier step failed". Each request is bounded by ctx.signal and by what is left
 * of the check's timeout. Redirects are not followed: a step's status is the one its URL answers.
 * The requests carry no trace context (traceparent) yet.
 */
import { abortReason } from '../../targets/abortReason';
import { formatDuration, parseDuration } from '../../manifest/duration';
import { fetchFailure } from '../../net/fetchFailure';
import { attemptSignal } from '../../probes/attemptSignal';
import type { CheckContext, CheckFinding, CheckOutcome, CheckRunner } from '../check';
import { TemplateError, fillJson, fillString, type TemplateValues } from './fillTemplates';
import { jsonPathValue } from './jsonPathValue';
import { jsonSubsetMismatches, show } from './jsonSubsetMismatches';
import { parseJsonPath, type SyntheticCheck, type SyntheticStep } from './spec';

const NOT_RUN = 'not run: an earlier step failed';
/** A step's message names at most this many mismatching fields. */
const MAX_MISMATCHES = 5;

export function createSyntheticCheck(spec: SyntheticCheck, opts: { timeoutMs: number }): CheckRunner {
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      const deadline = performance.now() + opts.timeoutMs;
      const values: TemplateValues = { captures: {}, versions: ctx.versions };
      const findings: CheckFinding[] = [];
      let failedAt: number | undefined;
      for (const [index, step] of spec.steps.entries()) {
        if (failedAt !== undefined) {
          findings.push({ item: itemOf(step, step.request.url), status: 'failed', message: NOT_RUN });
          continue;
        }
        ctx.heartbeat();
        const result = await runStep(step, values, ctx.signal, deadline - performance.now(), opts.timeoutMs);
        findings.push(result.finding);
        if (result.finding.status === 'failed') failedAt = index;
        else values.captures = { ...values.captures, ...result.captures };
        ctx.logger.debug({ check: ctx.check, step: result.finding.item, status: result.finding.status }, result.finding.message);
      }
      const total = spec.steps.length;
      if (failedAt === undefined) return { status: 'passed', summary: `${total} of ${total} steps passed`, findings };
      const failed = findings[failedAt]!;
      return { status: 'failed', summary: `step ${failedAt + 1} of ${total} failed: ${failed.item}: ${failed.message}`, findings };
    },
  };
}

interface StepResult {
  finding: CheckFinding;
  captures: Record<string, unknown>;
}

async function runStep(step: SyntheticStep, values: TemplateValues, signal: AbortSignal, leftMs: number, timeoutMs: number): Promise<StepResult> {
  let url = step.request.url;
  const fail = (message: string): StepResult => ({ finding: { item: itemOf(step, url), status: 'failed', message }, captures: {} });
  let init: RequestInit;
  try {
    url = fillString(step.request.url, values);
    init = requestInit(step, values);
  } catch (err) {
    if (err instanceof TemplateError) return fail(err.message);
    throw err;
  }
  if (!/^https?:\/\//.test(url)) return fail(`"${url}" is not an http(s) URL`);

  const attempt = attemptSignal(signal, Math.max(0, leftMs));
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const response = await fetch(url, { ...init, signal: attempt.signal, redirect: 'manual' });
    status = response.status;
    body = await response.text();
  } catch (err) {
    if (signal.aborted) throw abortReason(signal);
    if (attempt.timedOut()) return fail(`no response within the check's timeout (${formatDuration(timeoutMs)})`);
    return fail(`no response: ${fetchFailure(err)}`);
  } finally {
    attempt.dispose();
  }
  const latencyMs = Math.round(performance.now() - started);
  const answered = `HTTP ${status} in ${latencyMs}ms`;

  if (status !== step.expect.status) {
    const said = firstLine(body);
    return fail(`expected HTTP ${step.expect.status}, got ${answered}${said ? `: ${said}` : ''}`);
  }
  const problems: string[] = [];
  const json = parseBody(body);
  if (step.expect.json !== undefined) {
    if (!json.ok) problems.push(`the body is not JSON: ${show(firstLine(body))}`);
    else {
      const mismatches = jsonSubsetMismatches(json.value, fillJsonOrProblem(step.expect.json, values, problems));
      problems.push(...mismatches.slice(0, MAX_MISMATCHES));
      if (mismatches.length > MAX_MISMATCHES) problems.push(`and ${mismatches.length - MAX_MISMATCHES} more`);
      // the service's own account (an error field, a reason) is usually in the rest of the body
      if (mismatches.length > 0) problems.push(`the body was ${show(json.value, 300)}`);
    }
  }
  const maxLatencyMs = step.expect.maxLatency === undefined ? undefined : parseDuration(step.expect.maxLatency);
  if (maxLatencyMs !== undefined && latencyMs > maxLatencyMs) problems.push(`slower than maxLatency ${step.expect.maxLatency}`);
  const captures: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const parsed = parseJsonPath(path);
    if ('error' in parsed) problems.push(`capture ${name}: ${parsed.error}`);
    else if (!json.ok) problems.push(`capture ${name}: ${path} not found: the body is not JSON`);
    else {
      const found = jsonPathValue(json.value, parsed.segments);
      if (found.found) captures[name] = found.value;
      else problems.push(`capture ${name}: ${path} is not in the body ${show(json.value)}`);
    }
  }
  if (problems.length > 0) return fail(`${answered}, but ${problems.join('; ')}`);
  const captured = Object.entries(captures).map(([name, value]) => `${name} = ${show(value)}`);
  const message = captured.length > 0 ? `${answered}; captured ${captured.join(', ')}` : answered;
  return { finding: { item: itemOf(step, url), status: 'passed', message }, captures };
}

function requestInit(step: SyntheticStep, values: TemplateValues): RequestInit {
  const headers = new Headers({ accept: 'application/json, */*' });
  for (const [name, value] of Object.entries(step.request.headers ?? {})) headers.set(name, fillString(value, values));
  const init: RequestInit = { method: step.request.method, headers };
  if (step.request.json !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    init.body = JSON.stringify(fillJson(step.request.json, values));
  }
  return init;
}

/** The expectation with its templates filled; a template that cannot be filled is a problem of the step. */
function fillJsonOrProblem(expected: unknown, values: TemplateValues, problems: string[]): unknown {
  try {
    return fillJson(expected, values);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    problems.push(err.message);
    return expected;
  }
}

/** `POST http://127.0.0.1:7313/orders`, after the step's name when it has one. */
function itemOf(step: SyntheticStep, url: string): string {
  return `${step.name ? `${step.name}: ` : ''}${step.request.method} ${url}`;
}

function parseBody(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}
