/** The `process` target with a real HTTP service (test/fixtures/targets/http-service.js). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProcessTarget } from '../../src/manifest/schema';
import { stepKey } from '../../src/targets/completionRecords';
import { StepError } from '../../src/targets/deployTarget';
import { createProcessTarget, processStatePath, stopAllProcesses, type ProcessState } from '../../src/targets/process/processTarget';
import { killQuietly, stepContext } from './processChecks';
import { freePort } from '../../src/net/tcpPorts';
import { isProcessAlive } from '../../src/targets/processGroup';
import { waitFor } from '../support/waitFor';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURES = resolve(__dirname, '..', 'fixtures', 'targets');
let stateDir: string;
let port: number;

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'lockstep-process-'));
  port = await freePort();
});
afterEach(async () => {
  const pids = recordedPids();
  await stopAllProcesses(stateDir, { graceMs: 1000 });
  pids.forEach(killQuietly);
  rmSync(stateDir, { recursive: true, force: true });
});

function recordedPids(): number[] {
  const file = processStatePath(stateDir, 'test', 'payments');
  return existsSync(file) ? [(JSON.parse(readFileSync(file, 'utf8')) as ProcessState).pid] : [];
}

/** A process that must fail its start check: long enough that a slow start on a busy machine cannot outlast it. */
const CRASH_CHECK = { startCheckMs: 10_000 };

function target(overrides: Record<string, unknown> = {}, deps: { startCheckMs?: number } = {}) {
  const spec = ProcessTarget.parse({ kind: 'process', start: ['./http-service.js', String(port), '{{version}}'], ...overrides });
  return createProcessTarget(spec, { stateDir, ...deps });
}

const ctx = () => stepContext({ baseDir: FIXTURES, environment: 'test', service: 'payments' });

/** What the service answers over HTTP, or undefined when nothing listens. */
async function served(): Promise<{ version: string; pid: number; service: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(2000) });
    return (await response.json()) as { version: string; pid: number; service: string };
  } catch {
    return undefined;
  }
}

function state(): ProcessState {
  return JSON.parse(readFileSync(processStatePath(stateDir, 'test', 'payments'), 'utf8')) as ProcessState;
}

test('deploy v1 starts the service; current reports it; deploying v1 again is a no-op', async () => {
  const t = target();
  expect(await t.current(ctx())).toBe('');
  const output = await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  expect(output.noop).toBe(false);
  expect(await t.current(ctx())).toBe('1.0.0');
  const answer = await waitFor(served, 'the service to answer');
  expect(answer).toEqual({ version: '1.0.0', pid: state().pid, service: 'payments' });
  expect(state()).toMatchObject({ version: '1.0.0', argv: ['./http-service.js', String(port), '1.0.0'] });
  expect(typeof state().startedAt).toBe('string');

  const again = await t.deploy(ctx(), { version: '1.0.0', previousVersion: '1.0.0' });
  expect(again.noop).toBe(true);
  expect(state().pid).toBe(answer.pid);
});

test('deploy v2 replaces the process: the old pid is gone and the new one serves v2', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const v1 = await waitFor(served, 'v1 to answer');
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });
  expect(isProcessAlive(v1.pid)).toBe(false);
  const v2 = await waitFor(async () => {
    const answer = await served();
    return answer?.version === '2.0.0' && answer;
  }, 'v2 to answer');
  expect(v2.pid).not.toBe(v1.pid);
  expect(await t.current(ctx())).toBe('2.0.0');
  // the output of both versions went to the log beside the state file
  const log = readFileSync(processStatePath(stateDir, 'test', 'payments').replace(/\.json$/, '.log'), 'utf8');
  expect(log).toContain('version 1.0.0 listening');
  expect(log).toContain('version 2.0.0 listening');
});

test("rollback to '' stops the service and removes its state", async () => {
  const t = target();
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const { pid } = await waitFor(served, 'the service to answer');
  const output = await t.rollback(ctx(), { version: '', previousVersion: '1.0.0' });
  expect(output.noop).toBe(false);
  expect(isProcessAlive(pid)).toBe(false);
  expect(existsSync(processStatePath(stateDir, 'test', 'payments'))).toBe(false);
  expect(await t.current(ctx())).toBe('');
  expect(await served()).toBeUndefined();
  expect((await t.rollback(ctx(), { version: '', previousVersion: '' })).noop).toBe(true);
});

test('rollback to an older version is a deploy of it', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '' });
  await t.rollback(ctx(), { version: '1.0.0', previousVersion: '2.0.0' });
  expect(await t.current(ctx())).toBe('1.0.0');
  expect((await waitFor(served, 'the service'))?.version).toBe('1.0.0');
});

test('a rollback restarts the old version even when the state file names it; a retry of the same rollback leaves it alone', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const v1 = await waitFor(served, 'v1 to answer');
  // the deploy of 2.0.0 may have half-applied (e.g. sent 1.0.0 its SIGTERM): the state still says 1.0.0
  const rollbackCtx = stepContext({ baseDir: FIXTURES, environment: 'test', service: 'payments', idempotencyKey: 'rel-1:payments:rollback' });
  expect((await t.rollback(rollbackCtx, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(false);
  expect(isProcessAlive(v1.pid)).toBe(false);
  const restarted = await waitFor(async () => {
    const answer = await served();
    return answer !== undefined && answer.pid !== v1.pid && answer;
  }, 'the restarted 1.0.0 to answer');
  expect(restarted.version).toBe('1.0.0');
  expect(state()).toMatchObject({ version: '1.0.0', pid: restarted.pid, rollbackKey: stepKey(rollbackCtx) });

  // the worker died after the rollback: the retry (a new target, same key) changes nothing
  expect((await target().rollback(rollbackCtx, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(true);
  expect((await served())?.pid).toBe(restarted.pid);
  // a deploy of the running version is a no-op as before, and keeps the process
  expect((await target().deploy(ctx(), { version: '1.0.0', previousVersion: '1.0.0' })).noop).toBe(true);
  expect(state().pid).toBe(restarted.pid);
});

test('a deploy whose new process exits at once after the old one was stopped is undone by the rollback', async () => {
  const t = target({ env: { CRASH_VERSION: '2.0.0' } });
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const v1 = await waitFor(served, 'v1 to answer');
  await expect(target({ env: { CRASH_VERSION: '2.0.0' } }, CRASH_CHECK).deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' })).rejects.toThrow(
    /^deploy of payments 2.0.0 failed: the process exited right after it started \(exit code 1\)/,
  );
  expect(isProcessAlive(v1.pid)).toBe(false);
  expect(await served()).toBeUndefined();
  const rollbackCtx = stepContext({ baseDir: FIXTURES, environment: 'test', service: 'payments', idempotencyKey: 'rel-1:payments:rollback' });
  expect((await t.rollback(rollbackCtx, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(false);
  expect((await waitFor(served, 'v1 to answer again')).version).toBe('1.0.0');
  expect(await t.current(ctx())).toBe('1.0.0');
});

test('a process that exits right after its start fails the step with its output', async () => {
  const t = target({ start: ['./crash-on-start.js', '{{version}}'] }, CRASH_CHECK);
  const err = (await t.deploy(ctx(), { version: '3.0.0', previousVersion: '' }).catch((e: unknown) => e)) as StepError;
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toBe(
    'deploy of payments 3.0.0 failed: the process exited right after it started (exit code 2): fatal: config file /etc/orders/missing.yaml not found',
  );
  expect(err.stdoutTail).toContain('loading configuration');
  expect(await t.current(ctx())).toBe('');
  expect(existsSync(processStatePath(stateDir, 'test', 'payments'))).toBe(false);
});

test('a missing program fails for good', async () => {
  const err = (await target({ start: ['./no-such-service.js'] })
    .deploy(ctx(), { version: '1.0.0', previousVersion: '' })
    .catch((e: unknown) => e)) as StepError;
  expect(err.message).toMatch(/^deploy of payments 1\.0\.0 failed: program \.\/no-such-service\.js not found/);
  expect(err.retryable).toBe(false);
});

test('a process that ignores SIGTERM is killed after stopTimeout', async () => {
  const t = target({ env: { SERVICE_IGNORE_TERM: '1' }, stopTimeout: '300ms' });
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const { pid } = await waitFor(served, 'the service to answer');
  const stopping = Date.now();
  await t.rollback(ctx(), { version: '', previousVersion: '1.0.0' });
  expect(Date.now() - stopping).toBeGreaterThanOrEqual(300);
  expect(isProcessAlive(pid)).toBe(false);
});

test('the service outlives the process that started it, and a later target replaces it', async () => {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const starter = spawnSync(tsx, [join(FIXTURES, 'deploy-then-exit.ts')], {
    env: { ...process.env, STATE_DIR: stateDir, PORT: String(port), VERSION: '1.0.0', SERVICE: 'payments' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(starter.stderr).toBe('');
  expect(starter.status).toBe(0);
  const { starter: starterPid } = JSON.parse(starter.stdout.trim()) as { starter: number };
  expect(isProcessAlive(starterPid)).toBe(false);

  const answer = await waitFor(served, 'the service started by the exited process');
  expect(answer.version).toBe('1.0.0');
  expect(answer.pid).toBe(state().pid);
  expect(isProcessAlive(answer.pid)).toBe(true);

  // this process, not its starter, now replaces it
  const t = target();
  expect(await t.current(ctx())).toBe('1.0.0');
  await t.deploy(ctx(), { version: '2.0.0', previousVersion: '1.0.0' });
  expect(isProcessAlive(answer.pid)).toBe(false);
  expect((await waitFor(served, 'v2'))?.version).toBe('2.0.0');
});

test('stopAllProcesses stops every recorded service of every environment', async () => {
  const t = target();
  await t.deploy(ctx(), { version: '1.0.0', previousVersion: '' });
  const other = createProcessTarget(ProcessTarget.parse({ kind: 'process', start: ['./http-service.js', String(await freePort()), '{{version}}'] }), {
    stateDir,
  });
  const otherCtx = stepContext({ baseDir: FIXTURES, environment: 'staging', service: 'orders' });
  await other.deploy(otherCtx, { version: '5.0.0', previousVersion: '' });
  const pids = [state().pid, (JSON.parse(readFileSync(processStatePath(stateDir, 'staging', 'orders'), 'utf8')) as ProcessState).pid];
  expect(pids.every(isProcessAlive)).toBe(true);
  await stopAllProcesses(stateDir);
  expect(pids.some(isProcessAlive)).toBe(false);
  expect(await other.current(otherCtx)).toBe('');
  expect(await t.current(ctx())).toBe('');
});
