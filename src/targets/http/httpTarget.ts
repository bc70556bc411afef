/**
 * The `http` target: a deploy API of the user's (DESIGN.md, "Targets and probes"). Every request
 * carries `Idempotency-Key: <the step's idempotency key>`, so a retried step that reaches the API
 * twice is applied once by an API that honours the key. No answer, a per-request timeout and a 5xx
 * fail the step retryably; a 4xx (or a redirect) fails it for good, with the status and the tail
 * of the body. As for the `command` target: deploying the version `current` reads is a no-op, a
 * rollback runs whatever `current` reads (a half-applied deploy reads as the old version), except
 * the retry of a rollback that already completed here (completionRecords.ts). The whole step
 * (current, request, await) is bounded by the block's `timeout`.
 */
import type { Logger } from '../../logging/logger';
import { formatDuration, parseDuration } from '../../manifest/duration';
import { jsonPathValue } from '../../checks/synthetic/jsonPathValue';
import { jsonSubsetMismatches, show } from '../../checks/synthetic/jsonSubsetMismatches';
import { parseJsonPath } from '../../checks/synthetic/spec';
import { fetchFailure } from '../../net/fetchFailure';
import { attemptSignal } from '../../probes/attemptSignal';
import { abortReason } from '../abortReason';
import { readCompletionRecord, stepKey, writeCompletionRecord } from '../completionRecords';
import { delay } from '../conditionWait';
import { StepError, type DeployTarget, type StepContext, type StepOutput } from '../deployTarget';
import { lockstepStateDir } from '../stateDir';
import { envReferences, fillEnvReferences } from '../../manifest/envReferences';
import { fillJsonPlaceholders, fillPlaceholders } from './placeholders';
import type { HttpAwait, HttpTarget, PlaceholderValues } from './spec';

export interface HttpTargetDeps {
  logger?: Logger;
  /** Where completion records live (see completionRecords.ts); default `lockstepStateDir()`. */
  stateDir?: string;
  /** Where header values' `${NAME}` are looked up; default the worker's `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** How much of a response body an error message and the report show. */
export const BODY_TAIL_CHARS = 500;
/** A mismatching await answer names at most this many fields. */
const MAX_MISMATCHES = 3;
const HEARTBEAT_MS = 1000;

/** A request as sent: placeholders already known, `${ENV}` not yet filled. */
interface Request {
  method: string;
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
}

interface Answer {
  status: number;
  body: string;
  /** `POST http://...`: how messages name the request. */
  request: string;
}

/** One step of one service: what the messages call it, its placeholder values, its deadline. */
interface Step {
  ctx: StepContext;
  /** Start of the error messages, e.g. "deploy of payments 2.4.0". */
  what: string;
  values: PlaceholderValues;
  deadline: number;
}

export function createHttpTarget(spec: HttpTarget, deps: HttpTargetDeps = {}): DeployTarget {
  const timeoutMs = parseDuration(spec.timeout)!;
  const requestTimeoutMs = parseDuration(spec.requestTimeout)!;
  const stateDir = deps.stateDir ?? lockstepStateDir();
  const env = deps.env ?? process.env;
  const currentPath = spec.current.jsonPath === undefined ? undefined : parseJsonPath(spec.current.jsonPath);

  const fail = (step: Step, detail: string, retryable: boolean, tail = ''): StepError =>
    new StepError(`${step.what} failed: ${detail}`, tail, '', retryable);

  /** Sends one request; no answer (or none in time) is a retryable StepError, a cancellation its abort reason. */
  async function send(step: Step, request: Request): Promise<Answer> {
    const url = fillPlaceholders(request.url, step.values, encodeURIComponent);
    const name = `${request.method} ${url}`;
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw fail(step, `"${url}" is not an http(s) URL`, false);
    const headers = new Headers({ accept: 'application/json, text/plain, */*' });
    for (const [header, template] of Object.entries(request.headers ?? {})) {
      const missing = envReferences(template).filter((variable) => env[variable] === undefined);
      if (missing.length > 0) {
        throw fail(step, `header ${header} uses \${${missing[0]}}, which is not set in the worker's environment`, false);
      }
      const value = fillEnvReferences(fillPlaceholders(template, step.values), (variable) => env[variable]!);
      if (/[\r\n\0]/.test(value)) throw fail(step, `header ${header} would contain a line break or NUL`, false);
      headers.set(header, value);
    }
    headers.set('idempotency-key', step.ctx.idempotencyKey);
    let body: string | undefined = request.body === undefined ? undefined : fillPlaceholders(request.body, step.values);
    if (request.json !== undefined) {
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      body = JSON.stringify(fillJsonPlaceholders(request.json, step.values));
    }

    const leftMs = step.deadline - Date.now();
    if (leftMs <= 0) throw fail(step, `${name}: not sent: the step's timeout (${spec.timeout}) has passed`, true);
    const limitMs = Math.min(requestTimeoutMs, leftMs);
    const attempt = attemptSignal(step.ctx.signal, limitMs);
    try {
      // redirects are not followed: a deploy API answers for itself (and a 302 would turn a POST into a GET)
      const response = await fetch(url, { method: request.method, headers, body, signal: attempt.signal, redirect: 'manual' });
      return { status: response.status, body: await response.text(), request: name };
    } catch (err) {
      if (step.ctx.signal.aborted) throw abortReason(step.ctx.signal);
      if (attempt.timedOut()) {
        const which = limitMs === requestTimeoutMs ? `requestTimeout ${spec.requestTimeout}` : `what was left of the step's timeout ${spec.timeout}`;
        throw fail(step, `${name}: no answer within ${formatDuration(limitMs)} (${which})`, true);
      }
      throw fail(step, `${name}: no answer: ${fetchFailure(err)}`, true);
    } finally {
      attempt.dispose();
    }
  }

  /** A 2xx passes; a 5xx is retried; anything else (4xx, a redirect) fails the step for good. */
  function expectSuccess(step: Step, answer: Answer): void {
    if (answer.status >= 200 && answer.status < 300) return;
    const tail = bodyTail(answer.body);
    const redirect = answer.status >= 300 && answer.status < 400 ? ' (redirects are not followed: give the final URL)' : '';
    throw fail(step, `${answer.request} answered HTTP ${answer.status}${redirect}${tail ? `: ${tail}` : ''}`, answer.status >= 500, tail);
  }

  async function readCurrent(step: Step): Promise<string> {
    const answer = await send(step, { method: 'GET', url: spec.current.url, headers: spec.current.headers });
    expectSuccess(step, answer);
    if (currentPath === undefined) {
      const text = answer.body.trim();
      if (text.includes('\n')) {
        const detail = `${answer.request} answered ${text.split('\n').length} lines; expected only the version (or nothing); current.jsonPath reads one field of a JSON body`;
        throw fail(step, detail, false, bodyTail(answer.body));
      }
      return text;
    }
    if ('error' in currentPath) throw fail(step, currentPath.error, false); // the manifest's schema refuses it first
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      throw fail(step, `${answer.request} answered a body that is not JSON: ${show(answer.body.trim())}`, false, bodyTail(answer.body));
    }
    const found = jsonPathValue(json, currentPath.segments);
    if (!found.found) throw fail(step, `${spec.current.jsonPath} is not in the body of ${answer.request}: ${show(json, 300)}`, false);
    if (found.value === null) return '';
    if (typeof found.value === 'string') return found.value.trim();
    if (typeof found.value === 'number') return String(found.value);
    throw fail(step, `${spec.current.jsonPath} of ${answer.request} is ${show(found.value)}; expected the version as a string (or null: not deployed)`, false);
  }

  /** Polls `await` until it answers as `until` says; what it saw, for the report. */
  async function awaitDone(step: Step, wait: HttpAwait): Promise<string> {
    const intervalMs = parseDuration(wait.interval)!;
    const expectedJson = wait.until.json === undefined ? undefined : fillJsonPlaceholders(wait.until.json, step.values);
    let last = 'no answer yet';
    for (let polls = 1; ; polls++) {
      step.ctx.heartbeat({ awaiting: polls });
      try {
        const answer = await send(step, { method: 'GET', url: wait.url, headers: wait.headers });
        const mismatch = untilMismatch(answer, wait, expectedJson);
        if (mismatch === undefined) return `${answer.request} answered HTTP ${answer.status} as awaited (poll ${polls})`;
        last = `${answer.request} answered HTTP ${answer.status}, ${mismatch}`;
      } catch (err) {
        if (!(err instanceof StepError) || !err.retryable) throw err; // a cancellation, or a problem no poll fixes
        last = err.message.slice(`${step.what} failed: `.length);
      }
      const notDone = (): StepError => fail(step, `not done within the step's timeout (${spec.timeout}) after ${polls} polls; the last: ${last}`, true);
      if (Date.now() >= step.deadline) throw notDone();
      await delay(Math.min(intervalMs, step.deadline - Date.now()), step.ctx.signal);
      if (Date.now() >= step.deadline) throw notDone();
    }
  }

  async function change(action: 'deploy' | 'rollback', ctx: StepContext, { version, previousVersion }: { version: string; previousVersion: string }): Promise<StepOutput> {
    const log = deps.logger?.child({ service: ctx.service, action });
    const what = action === 'deploy' ? `deploy of ${ctx.service} ${version}` : `rollback of ${ctx.service} to ${version === '' ? 'nothing (remove)' : version}`;
    const step: Step = { ctx, what, values: values(ctx, version, ''), deadline: Date.now() + timeoutMs };
    const running = await readCurrent(step);
    step.values.previousVersion = running;
    if (running === version) {
      // A deploy whose version already runs has nothing to send (a retry whose first attempt was
      // applied); its rollout may still be under way, so it is still awaited. A rollback cannot
      // conclude that: `current` does not see a half-applied deploy, so it is sent whatever
      // `current` reads, unless this very step (key and run) already completed here.
      const completed = action === 'rollback' && readCompletionRecord(stateDir, stepKey(ctx))?.version === version;
      if (action === 'deploy' || completed) {
        log?.info({ version }, `${action === 'deploy' ? 'already running' : 'this rollback already completed'}; nothing to send`);
        const awaited = action === 'deploy' && spec.await ? await awaitDone(step, spec.await) : '';
        return { noop: true, stdoutTail: awaited, stderrTail: '' };
      }
    }
    if (running !== previousVersion) log?.info({ running, recorded: previousVersion }, 'running version differs from the recorded one');
    const request = action === 'rollback' ? (spec.rollback ?? spec.deploy) : spec.deploy;
    log?.debug({ method: request.method, url: request.url, version }, 'sending');
    const answer = await send(step, request);
    expectSuccess(step, answer);
    const report = [`${answer.request} answered HTTP ${answer.status}${answer.body.trim() ? `: ${bodyTail(answer.body)}` : ''}`];
    if (spec.await) report.push(await awaitDone(step, spec.await));
    if (action === 'rollback') recordCompletion(ctx, version, log);
    return { noop: false, stdoutTail: report.join('\n'), stderrTail: '' };
  }

  /** A lost record only costs a repeated rollback request, which the API's idempotency key absorbs. */
  function recordCompletion(ctx: StepContext, version: string, log: Logger | undefined): void {
    try {
      writeCompletionRecord(stateDir, { stepKey: stepKey(ctx), action: 'rollback', version });
    } catch (err) {
      log?.warn({ err }, 'could not record the completed rollback; a retry would send it again');
    }
  }

  return {
    current: (ctx) =>
      withHeartbeat(ctx, () => readCurrent({ ctx, what: `current of ${ctx.service}`, values: values(ctx, '', ''), deadline: Date.now() + timeoutMs })),
    deploy: (ctx, versions) => withHeartbeat(ctx, () => change('deploy', ctx, versions)),
    rollback: (ctx, versions) => withHeartbeat(ctx, () => change('rollback', ctx, versions)),
  };
}

function values(ctx: StepContext, version: string, previousVersion: string): PlaceholderValues {
  return { version, previousVersion, service: ctx.service, releaseId: ctx.releaseId, environment: ctx.environment };
}

/** Why an await answer is not the awaited one, or undefined when it is. */
function untilMismatch(answer: Answer, wait: HttpAwait, expectedJson: unknown): string | undefined {
  const { status } = wait.until;
  if (status !== undefined ? answer.status !== status : answer.status < 200 || answer.status >= 300) {
    return `expected HTTP ${status ?? '2xx'}${answer.body.trim() ? `: ${bodyTail(answer.body, 160)}` : ''}`;
  }
  if (expectedJson === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return `the body is not JSON: ${show(answer.body.trim())}`;
  }
  const mismatches = jsonSubsetMismatches(json, expectedJson);
  if (mismatches.length === 0) return undefined;
  return `${mismatches.slice(0, MAX_MISMATCHES).join('; ')}${mismatches.length > MAX_MISMATCHES ? `; and ${mismatches.length - MAX_MISMATCHES} more` : ''}`;
}

/** The last `max` characters of a body, trimmed; cut ones are marked with "…". */
export function bodyTail(body: string, max = BODY_TAIL_CHARS): string {
  const text = body.trim();
  return text.length > max ? `…${text.slice(text.length - max)}` : text;
}

/** Runs a step while heartbeating every second (a long await, a slow API). */
async function withHeartbeat<T>(ctx: StepContext, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
