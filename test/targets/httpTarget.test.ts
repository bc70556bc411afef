/**
 * The `http` target against a real deploy API on 127.0.0.1 (test/support/fakeDeployApi.ts), which
 * applies each Idempotency-Key's effect once and answers a replay "already applied".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError, type StepContext } from '../../src/targets/deployTarget';
import { createHttpTarget } from '../../src/targets/http/httpTarget';
import { HttpTarget } from '../../src/targets/http/spec';
import { freePort } from '../../src/net/tcpPorts';
import { FakeDeployApi } from '../support/fakeDeployApi';
import { waitFor } from '../support/waitFor';
import { stepContext } from './processChecks';

let api: FakeDeployApi;
let dir: string;
beforeEach(async () => {
  api = await FakeDeployApi.start({ payments: '1.0.0' });
  dir = mkdtempSync(join(tmpdir(), 'lockstep-http-'));
});
afterEach(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.LOCKSTEP_TEST_DEPLOY_TOKEN;
});

const DEPLOY_KEY = 'rel-1:payments:deploy';
const ROLLBACK_KEY = 'rel-1:payments:rollback';

function target(block: Record<string, unknown> = {}, stateDir = join(dir, 'state')) {
  const spec = HttpTarget.parse({
    kind: 'http',
    deploy: { url: `${api.url}/api/{{service}}/deploy`, json: { version: '{{version}}' } },
    current: { url: `${api.url}/api/{{service}}/version` },
    ...block,
  });
  return createHttpTarget(spec, { stateDir });
}

const ctx = (overrides: Partial<StepContext> = {}) => stepContext({ releaseId: 'rel-1', environment: 'staging', idempotencyKey: DEPLOY_KEY, runId: 'run-1', ...overrides });

async function stepError(step: Promise<unknown>): Promise<StepError> {
  const err = await step.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StepError)) throw new Error(`expected a StepError, got ${String(err)}`);
  return err;
}

test('deploy sends the placeholders and the Idempotency-Key; current then reads the new version; deploying it again sends nothing', async () => {
  const t = target({
    deploy: {
      method: 'POST',
      url: `${api.url}/api/{{service}}/deploy?env={{environment}}`,
      headers: { 'X-Release': '{{releaseId}}' },
      json: { version: '{{version}}', from: '{{previousVersion}}', note: '{{service}} to {{version}} in {{environment}}' },
    },
  });
  expect(await t.current(ctx())).toBe('1.0.0');
  const output = await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });

  expect(output.noop).toBe(false);
  expect(output.stdoutTail).toContain(`POST ${api.url}/api/payments/deploy?env=staging answered HTTP 200: {"result":"applied"`);
  const deploy = api.requests.find((r) => r.method === 'POST')!;
  expect(deploy).toMatchObject({ path: '/api/payments/deploy', idempotencyKey: DEPLOY_KEY });
  expect(deploy.headers).toMatchObject({ 'x-release': 'rel-1', 'content-type': 'application/json' });
  expect(JSON.parse(deploy.body)).toEqual({ version: '2.0.0', from: '1.0.0', note: 'payments to 2.0.0 in staging' });
  expect(await t.current(ctx())).toBe('2.0.0');
  expect(api.requests.every((r) => r.idempotencyKey === DEPLOY_KEY)).toBe(true);

  expect(await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' })).toEqual({ noop: true, stdoutTail: '', stderrTail: '' });
  expect(api.effects).toEqual(['deploy payments 2.0.0']);
  expect(api.calls('payments').filter((c) => c.startsWith('POST'))).toHaveLength(1);
});

test('rollback without a rollback block is the deploy request with the old version', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });
  await t.rollback(ctx({ idempotencyKey: ROLLBACK_KEY }), { version: '1.0.0', previousVersion: '2.0.0' });

  expect(api.calls('payments', ROLLBACK_KEY)).toEqual(['GET /api/payments/version', 'POST /api/payments/deploy']);
  expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ version: '1.0.0' });
  expect(await t.current(ctx())).toBe('1.0.0');
});

test('a rollback block of its own; the rollback is sent although current already reads the old version (a half-applied deploy)', async () => {
  const t = target({ rollback: { url: `${api.url}/api/{{service}}/rollback`, json: { to: '{{version}}', from: '{{previousVersion}}' } } });
  api.halfApply('payments', '2.0.0');
  const failed = await stepError(t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }));
  expect(failed.retryable).toBe(true);
  expect(failed.message).toBe(
    `deploy of payments 2.0.0 failed: POST ${api.url}/api/payments/deploy answered HTTP 500: config 2.0.0 pushed; rollout refused: image pull failed`,
  );
  expect([api.version('payments'), api.config('payments')]).toEqual(['1.0.0', '2.0.0']);
  expect(await t.current(ctx())).toBe('1.0.0');

  await t.rollback(ctx({ idempotencyKey: ROLLBACK_KEY }), { version: '1.0.0', previousVersion: '2.0.0' });
  expect(api.calls('payments', ROLLBACK_KEY)).toEqual(['GET /api/payments/version', 'POST /api/payments/rollback']);
  expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ to: '1.0.0', from: '1.0.0' });
  expect([api.version('payments'), api.config('payments')]).toEqual(['1.0.0', '1.0.0']);
});

test('a retried rollback is not sent twice (its completion record); on another worker the API refuses the replayed key', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });
  const rollback = ctx({ idempotencyKey: ROLLBACK_KEY });
  expect((await t.rollback(rollback, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(false);
  // the worker died before Temporal heard of the success: the retry finds the record
  expect(await t.rollback(rollback, { version: '1.0.0', previousVersion: '2.0.0' })).toEqual({ noop: true, stdoutTail: '', stderrTail: '' });
  expect(api.calls('payments', ROLLBACK_KEY).filter((c) => c.startsWith('POST'))).toHaveLength(1);

  // a worker on another machine has no record: it sends the request again, with the same key
  const elsewhere = await target({}, join(dir, 'other-machine')).rollback(rollback, { version: '1.0.0', previousVersion: '2.0.0' });
  expect(elsewhere.stdoutTail).toContain('answered HTTP 200: {"result":"already applied"');
  expect(api.calls('payments', ROLLBACK_KEY).filter((c) => c.startsWith('POST'))).toHaveLength(2);
  expect(api.effects).toEqual(['deploy payments 2.0.0', 'deploy payments 1.0.0']);

  // a later run of the same workflow id is another step: its rollback is sent
  await t.deploy(ctx({ runId: 'run-2' }), { version: '2.0.0', previousVersion: '1.0.0' });
  expect((await t.rollback(ctx({ idempotencyKey: `${ROLLBACK_KEY}-2`, runId: 'run-2' }), { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(false);
});

test('await polls the rollout after the deploy until state: done, every poll with the key', async () => {
  api.rolloutPolls = 2;
  const t = target({ await: { url: `${api.url}/api/{{service}}/rollout`, until: { status: 200, json: { state: 'done' } }, interval: '50ms' } });
  const output = await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });

  expect(output.stdoutTail).toContain(`GET ${api.url}/api/payments/rollout answered HTTP 200 as awaited (poll 3)`);
  expect(api.calls('payments', DEPLOY_KEY)).toEqual([
    'GET /api/payments/version',
    'POST /api/payments/deploy',
    'GET /api/payments/rollout',
    'GET /api/payments/rollout',
    'GET /api/payments/rollout',
  ]);
});

test('await that is not done within the step timeout fails retryably with the last answer', async () => {
  api.rolloutPolls = 1_000_000;
  const t = target({ timeout: '1s', await: { url: `${api.url}/api/{{service}}/rollout`, until: { json: { state: 'done' } }, interval: '100ms' } });
  const err = await stepError(t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }));

  expect(err.retryable).toBe(true);
  expect(err.message).toMatch(
    new RegExp(`^deploy of payments 2\\.0\\.0 failed: not done within the step's timeout \\(1s\\) after \\d+ polls; the last: GET ${api.url}/api/payments/rollout answered HTTP 200, \\$\\.state: expected "done", got "running"$`),
  );
});

test('a 503 fails the attempt retryably; the caller retries with the same key and the API applies the deploy once', async () => {
  api.failNext('payments', 503, 'deployer busy, try again');
  const t = target();
  const err = await stepError(t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }));
  expect(err.retryable).toBe(true);
  expect(err.message).toBe(`deploy of payments 2.0.0 failed: POST ${api.url}/api/payments/deploy answered HTTP 503: deployer busy, try again`);
  expect(api.version('payments')).toBe('1.0.0');

  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }); // the activity's retry: same step, same key
  expect(api.calls('payments', DEPLOY_KEY).filter((c) => c.startsWith('POST'))).toEqual(['POST /api/payments/deploy', 'POST /api/payments/deploy']);
  expect(api.effects).toEqual(['deploy payments 2.0.0']);
  expect(await t.current(ctx())).toBe('2.0.0');
});

test('a 4xx fails for good with the status and the last 500 characters of the body', async () => {
  const body = `${'trace line\n'.repeat(200)}version 2.0.0 is not in the registry`;
  api.failNext('payments', 409, body);
  const err = await stepError(target().deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }));

  expect(err.retryable).toBe(false);
  expect(err.message).toBe(`deploy of payments 2.0.0 failed: POST ${api.url}/api/payments/deploy answered HTTP 409: …${body.slice(-500)}`);
  expect(err.stdoutTail).toBe(`…${body.slice(-500)}`);
});

test('${SECRET} in a header comes from the worker environment; a missing variable fails naming it, before any request', async () => {
  api.requiredToken = 's3cret-token';
  const auth = { Authorization: 'Bearer ${LOCKSTEP_TEST_DEPLOY_TOKEN}' };
  const t = target({
    deploy: { url: `${api.url}/api/{{service}}/deploy`, headers: auth, json: { version: '{{version}}' } },
    current: { url: `${api.url}/api/{{service}}/version`, headers: auth },
  });
  process.env.LOCKSTEP_TEST_DEPLOY_TOKEN = 's3cret-token';
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });
  expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer s3cret-token', 'Bearer s3cret-token']);
  expect(api.version('payments')).toBe('2.0.0');

  process.env.LOCKSTEP_TEST_DEPLOY_TOKEN = 'wrong';
  const refused = await stepError(t.current(ctx()));
  expect(refused.retryable).toBe(false);
  expect(refused.message).toBe(`current of payments failed: GET ${api.url}/api/payments/version answered HTTP 401: {"error":"unauthorized: a valid bearer token is required"}`);

  delete process.env.LOCKSTEP_TEST_DEPLOY_TOKEN;
  const requests = api.requests.length;
  const missing = await stepError(t.deploy(ctx(), { version: '3.0.0', previousVersion: '2.0.0' }));
  expect(missing.retryable).toBe(false);
  expect(missing.message).toBe(
    "deploy of payments 3.0.0 failed: header Authorization uses ${LOCKSTEP_TEST_DEPLOY_TOKEN}, which is not set in the worker's environment",
  );
  expect(api.requests).toHaveLength(requests);
});

test('current by jsonPath: one field of the JSON body; null is not deployed; a missing field fails', async () => {
  const byPath = (jsonPath: string) => target({ current: { url: `${api.url}/api/{{service}}`, jsonPath } });
  expect(await byPath('$.deployment.version').current(ctx())).toBe('1.0.0');
  expect(await byPath('$.deployment.version').current(ctx({ service: 'search' }))).toBe('');

  const err = await stepError(byPath('$.deployment.tag').current(ctx()));
  expect(err.retryable).toBe(false);
  expect(err.message).toBe(
    `current of payments failed: $.deployment.tag is not in the body of GET ${api.url}/api/payments: {"service":"payments","deployment":{"version":"1.0.0","config":"1.0.0"},"rollout":"done"}`,
  );
});

test('cancellation: a deploy waiting for its answer, and an await between polls, reject with the abort reason', async () => {
  api.hold('payments');
  const waiting = ctx();
  const deploy = target().deploy(waiting, { version: '2.0.0', previousVersion: '1.0.0' });
  await waitFor(() => api.requests.length > 0, 'the current read to reach the API');
  const reason = new Error('release aborted');
  waiting.abort(reason);
  await expect(deploy).rejects.toBe(reason);
  api.letGo('payments');

  api.rolloutPolls = 1_000_000;
  const polling = ctx();
  const awaited = target({ await: { url: `${api.url}/api/{{service}}/rollout`, until: { json: { state: 'done' } }, interval: '1h' } }).deploy(polling, {
    version: '2.0.0',
    previousVersion: '1.0.0',
  });
  await waitFor(() => api.calls('payments').includes('GET /api/payments/rollout'), 'the first poll');
  polling.abort(reason);
  await expect(awaited).rejects.toBe(reason);
  expect(api.effects).toEqual(['deploy payments 2.0.0']);
});

test('no answer is retryable: a refused connection, and a request that outlasts requestTimeout', async () => {
  const closed = await freePort();
  const refused = await stepError(target({ current: { url: `http://127.0.0.1:${closed}/api/{{service}}/version` } }).current(ctx()));
  expect(refused.retryable).toBe(true);
  expect(refused.message).toMatch(new RegExp(`^current of payments failed: GET http://127\\.0\\.0\\.1:${closed}/api/payments/version: no answer: .*ECONNREFUSED`));

  api.hold('payments');
  const slow = await stepError(target({ requestTimeout: '300ms' }).deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' }));
  expect(slow.retryable).toBe(true);
  expect(slow.message).toBe(`deploy of payments 2.0.0 failed: GET ${api.url}/api/payments/version: no answer within 300ms (requestTimeout 300ms)`);
});
