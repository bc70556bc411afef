/** The `command` target against a real user-style deploy tool (test/fixtures/targets/versioned-tool.js). */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandTarget } from '../../src/manifest/schema';
import { createCommandTarget, serviceRunKey } from '../../src/targets/command/commandTarget';
import { StepError, type StepContext } from '../../src/targets/deployTarget';
import { readRunRecord, writeRunRecord } from '../../src/targets/runRecords';
import { killQuietly, pidFrom, stepContext } from './processChecks';
import { isProcessAlive } from '../../src/targets/processGroup';
import { waitFor } from '../support/waitFor';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'targets');
const started: number[] = [];
let dir: string;
let stateFile: string;
let callsFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-command-'));
  stateFile = join(dir, 'payments.version');
  callsFile = join(dir, 'calls.jsonl');
});
afterEach(() => {
  started.splice(0).forEach(killQuietly);
  rmSync(dir, { recursive: true, force: true });
});

interface ToolCall {
  action: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}
const calls = (): ToolCall[] =>
  existsSync(callsFile) ? readFileSync(callsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ToolCall) : [];

function target(overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const spec = CommandTarget.parse({
    kind: 'command',
    deploy: ['./versioned-tool.js', 'deploy', 'payments'],
    rollback: ['./versioned-tool.js', 'rollback', 'payments'],
    current: ['./versioned-tool.js', 'current', 'payments'],
    env: { TOOL_STATE: stateFile, TOOL_CALLS: callsFile, TOOL_EXTRA: 'from-manifest', ...env },
    ...overrides,
  });
  return createCommandTarget(spec, { stateDir: join(dir, 'state') });
}

const ctx = (overrides: Partial<StepContext> = {}) =>
  stepContext({ baseDir: FIXTURES, releaseId: 'checkout-42', environment: 'staging', idempotencyKey: 'checkout-42:payments:deploy', ...overrides });

test('current prints the running version; nothing printed means not deployed', async () => {
  const t = target();
  expect(await t.current(ctx())).toBe('');
  writeFileSync(stateFile, '2.3.0');
  expect(await t.current(ctx())).toBe('2.3.0');
  expect(calls().map((c) => c.env)).toContainEqual(
    expect.objectContaining({ LOCKSTEP_ACTION: 'current', LOCKSTEP_SERVICE: 'payments', LOCKSTEP_ENVIRONMENT: 'staging' }),
  );
});

test('deploy passes every LOCKSTEP_* variable and the manifest env, then the version runs', async () => {
  writeFileSync(stateFile, '2.3.0');
  const output = await target().deploy(ctx(), { version: '2.4.0', previousVersion: '2.3.0' });
  expect(output.noop).toBe(false);
  expect(output.stdoutTail).toContain('deploy applied 2.4.0');
  const deploy = calls().find((c) => c.action === 'deploy')!;
  expect(deploy.args).toEqual(['deploy', 'payments']);
  // the command inherits the worker's environment (the test run sets LOCKSTEP_WORKFLOW_BUNDLE there)
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('LOCKSTEP_')));
  expect(deploy.env).toEqual({
    ...inherited,
    LOCKSTEP_ACTION: 'deploy',
    LOCKSTEP_SERVICE: 'payments',
    LOCKSTEP_VERSION: '2.4.0',
    LOCKSTEP_PREVIOUS_VERSION: '2.3.0',
    LOCKSTEP_RELEASE_ID: 'checkout-42',
    LOCKSTEP_ENVIRONMENT: 'staging',
    LOCKSTEP_IDEMPOTENCY_KEY: 'checkout-42:payments:deploy',
    TOOL_EXTRA: 'from-manifest',
  });
  expect(readFileSync(stateFile, 'utf8')).toBe('2.4.0');
});

test('deploying the version that already runs is a no-op: the deploy command does not run', async () => {
  writeFileSync(stateFile, '2.4.0');
  const output = await target().deploy(ctx(), { version: '2.4.0', previousVersion: '2.3.0' });
  expect(output).toEqual({ noop: true, stdoutTail: '', stderrTail: '' });
  expect(calls().map((c) => c.action)).toEqual(['current']);
});

test('rollback runs the rollback command with the old version', async () => {
  writeFileSync(stateFile, '2.4.0');
  await target().rollback(ctx({ idempotencyKey: 'checkout-42:payments:rollback' }), { version: '2.3.0', previousVersion: '2.4.0' });
  const rollback = calls().find((c) => c.action === 'rollback')!;
  expect(rollback.args).toEqual(['rollback', 'payments']);
  expect(rollback.env).toMatchObject({ LOCKSTEP_VERSION: '2.3.0', LOCKSTEP_PREVIOUS_VERSION: '2.4.0', LOCKSTEP_IDEMPOTENCY_KEY: 'checkout-42:payments:rollback' });
  expect(readFileSync(stateFile, 'utf8')).toBe('2.3.0');
});

test('without a rollback command, rollback runs the deploy command with the old version', async () => {
  writeFileSync(stateFile, '2.4.0');
  const t = target({ rollback: undefined });
  await t.rollback(ctx(), { version: '2.3.0', previousVersion: '2.4.0' });
  const call = calls().find((c) => c.action !== 'current')!;
  expect(call.args).toEqual(['deploy', 'payments']);
  expect(call.env).toMatchObject({ LOCKSTEP_ACTION: 'rollback', LOCKSTEP_VERSION: '2.3.0', LOCKSTEP_PREVIOUS_VERSION: '2.4.0' });
  expect(readFileSync(stateFile, 'utf8')).toBe('2.3.0');
});

test("rollback of a first deploy gets LOCKSTEP_VERSION='' (remove)", async () => {
  writeFileSync(stateFile, '1.0.0');
  await target().rollback(ctx(), { version: '', previousVersion: '1.0.0' });
  const rollback = calls().find((c) => c.action === 'rollback')!;
  expect(rollback.env).toMatchObject({ LOCKSTEP_VERSION: '', LOCKSTEP_PREVIOUS_VERSION: '1.0.0' });
  expect(existsSync(stateFile)).toBe(false);
  expect(await target().current(ctx())).toBe('');
});

test('rollback runs even when current already prints the version it restores, and undoes what a failed deploy half-applied', async () => {
  writeFileSync(stateFile, '2.3.0');
  const configFile = join(dir, 'payments.config');
  const failing = target({}, { TOOL_FAIL: 'deploy', TOOL_CONFIG: configFile });
  await expect(failing.deploy(ctx(), { version: '2.4.0', previousVersion: '2.3.0' })).rejects.toThrow(/deploy of payments 2.4.0 failed: exit code 3/);
  expect(readFileSync(configFile, 'utf8')).toBe('2.4.0'); // half-applied
  expect(await failing.current(ctx())).toBe('2.3.0'); // ... and `current` cannot see it

  const rollbackCtx = ctx({ idempotencyKey: 'checkout-42:payments:rollback' });
  const output = await target({}, { TOOL_CONFIG: configFile }).rollback(rollbackCtx, { version: '2.3.0', previousVersion: '2.4.0' });
  expect(output.noop).toBe(false);
  expect(output.stdoutTail).toContain('rollback applied 2.3.0');
  expect(readFileSync(configFile, 'utf8')).toBe('2.3.0');
  const rollback = calls().find((c) => c.action === 'rollback')!;
  // the script is told that `current` already prints the version it restores
  expect(rollback.env).toMatchObject({ LOCKSTEP_VERSION: '2.3.0', LOCKSTEP_PREVIOUS_VERSION: '2.3.0' });
});

test('rollback of a first deploy that did not get far still runs the rollback command (remove)', async () => {
  const output = await target().rollback(ctx({ idempotencyKey: 'checkout-42:payments:rollback' }), { version: '', previousVersion: '1.0.0' });
  expect(output.noop).toBe(false);
  expect(calls().map((c) => c.action)).toEqual(['current', 'rollback']);
  expect(calls()[1]!.env).toMatchObject({ LOCKSTEP_VERSION: '', LOCKSTEP_PREVIOUS_VERSION: '' });
});

test('a retry of a rollback that already completed (same idempotency key) does not run it again, also from another worker process', async () => {
  writeFileSync(stateFile, '2.4.0');
  const key = 'checkout-42:payments:rollback';
  const rollbacks = () => calls().filter((c) => c.action === 'rollback').length;
  expect((await target().rollback(ctx({ idempotencyKey: key }), { version: '2.3.0', previousVersion: '2.4.0' })).noop).toBe(false);
  // the worker died before Temporal heard of the success: the retry, by a new target on the same machine
  expect(await target().rollback(ctx({ idempotencyKey: key }), { version: '2.3.0', previousVersion: '2.4.0' })).toEqual({
    noop: true,
    stdoutTail: '',
    stderrTail: '',
  });
  expect(rollbacks()).toBe(1);
  // another step (another release's rollback) is not this one: it runs
  expect((await target().rollback(ctx({ idempotencyKey: 'checkout-43:payments:rollback' }), { version: '2.3.0', previousVersion: '2.4.0' })).noop).toBe(false);
  expect(rollbacks()).toBe(2);
  // nor is the same step of a later workflow run that reuses the workflow id (same key, another run id)
  expect((await target().rollback(ctx({ idempotencyKey: key, runId: 'a-later-run' }), { version: '2.3.0', previousVersion: '2.4.0' })).noop).toBe(false);
  expect(rollbacks()).toBe(3);
  // the completed rollback is undone behind Lockstep's back: its retry runs again
  writeFileSync(stateFile, '2.4.0');
  expect((await target().rollback(ctx({ idempotencyKey: key }), { version: '2.3.0', previousVersion: '2.4.0' })).noop).toBe(false);
  expect(rollbacks()).toBe(4);
  expect(readFileSync(stateFile, 'utf8')).toBe('2.3.0');
});

test('a retry of a rollback that failed runs the command again', async () => {
  writeFileSync(stateFile, '2.4.0');
  const key = 'checkout-42:payments:rollback';
  await expect(target({}, { TOOL_FAIL: 'rollback' }).rollback(ctx({ idempotencyKey: key }), { version: '2.3.0', previousVersion: '2.4.0' })).rejects.toThrow(
    /rollback of payments to 2.3.0 failed/,
  );
  expect((await target().rollback(ctx({ idempotencyKey: key }), { version: '2.3.0', previousVersion: '2.4.0' })).noop).toBe(false);
  expect(calls().filter((c) => c.action === 'rollback')).toHaveLength(2);
  expect(readFileSync(stateFile, 'utf8')).toBe('2.3.0');
});

test('a non-zero exit fails the step with the last stderr line and both tails', async () => {
  writeFileSync(stateFile, '2.3.0');
  const t = target({}, { TOOL_FAIL: 'deploy' });
  const err = (await t.deploy(ctx(), { version: '2.4.0', previousVersion: '2.3.0' }).catch((e: unknown) => e)) as StepError;
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toBe('deploy of payments 2.4.0 failed: exit code 3: error: quota exceeded in namespace payments');
  expect(err.stdoutTail).toBe('applying 2.4.0...\n');
  expect(err.stderrTail).toBe('warning: slow cluster\nerror: quota exceeded in namespace payments\n');
  expect(err.retryable).toBe(true);
  expect(readFileSync(stateFile, 'utf8')).toBe('2.3.0');
});

test('a failing rollback names the version it tried to restore', async () => {
  writeFileSync(stateFile, '2.4.0');
  const t = target({}, { TOOL_FAIL: 'rollback' });
  await expect(t.rollback(ctx(), { version: '2.3.0', previousVersion: '2.4.0' })).rejects.toThrow(
    'rollback of payments to 2.3.0 failed: exit code 3: error: quota exceeded in namespace payments',
  );
});

test('current must print only the version', async () => {
  const t = target({ current: ['node', '-e', 'console.log("Warning: context staging"); console.log("2.3.0")'] });
  await expect(t.current(ctx())).rejects.toThrow(/current of payments failed: printed 2 lines/);
});

test('cwd defaults to the base directory; a relative cwd resolves against it', async () => {
  expect(await target({ current: ['./nested/print-cwd.sh'] }).current(ctx())).toBe(FIXTURES);
  expect(await target({ cwd: 'nested', current: ['./print-cwd.sh'] }).current(ctx())).toBe(join(FIXTURES, 'nested'));
  expect(await target({ cwd: join(FIXTURES, 'nested'), current: ['./print-cwd.sh'] }).current(ctx({ baseDir: dir }))).toBe(
    join(FIXTURES, 'nested'),
  );
});

test('a missing program fails for good, naming it and the cwd', async () => {
  const err = (await target({ deploy: ['./deploy-missing.sh'] })
    .deploy(ctx(), { version: '2.4.0', previousVersion: '' })
    .catch((e: unknown) => e)) as StepError;
  expect(err.message).toMatch(/^deploy of payments 2.4.0 failed: program \.\/deploy-missing\.sh not found/);
  expect(err.message).toContain(FIXTURES);
  expect(err.retryable).toBe(false);
});

test('the manifest timeout kills the whole group and fails the step', async () => {
  const t = target({ deploy: ['./spawn-grandchild.sh'], timeout: '1s' }, { PIDS_DIR: dir });
  const run = t.deploy(ctx(), { version: '2.4.0', previousVersion: '' });
  const grandchild = await pidFrom(join(dir, 'grandchild'));
  started.push(grandchild, await pidFrom(join(dir, 'child')));
  await expect(run).rejects.toThrow('deploy of payments 2.4.0 failed: timed out after 1s');
  expect(isProcessAlive(grandchild)).toBe(false);
});

test('cancelling the step kills the whole group and rejects with the cancellation', async () => {
  const t = target({ deploy: ['./spawn-grandchild.sh'] }, { PIDS_DIR: dir });
  const step = ctx();
  const run = t.deploy(step, { version: '2.4.0', previousVersion: '' });
  const grandchild = await pidFrom(join(dir, 'grandchild'));
  const child = await pidFrom(join(dir, 'child'));
  started.push(grandchild, child);
  const record = await waitFor(() => readRunRecord(join(dir, 'state'), serviceRunKey(step)), 'the run record');
  expect(record.pid).toBe(child);
  const reason = new Error('release aborted');
  step.abort(reason);
  await expect(run).rejects.toBe(reason);
  expect(isProcessAlive(child)).toBe(false);
  expect(isProcessAlive(grandchild)).toBe(false);
  expect(readRunRecord(join(dir, 'state'), serviceRunKey(step))).toBeUndefined();
});

test('a retry waits for the deploy its killed worker left running, then finds the version applied (no-op)', async () => {
  const release = join(dir, 'release');
  // the first attempt's deploy, orphaned: still running, about to write 2.4.0
  const orphan = spawn(join(FIXTURES, 'wait-for-file.sh'), [release, stateFile, '2.4.0'], { detached: true, stdio: 'ignore' });
  started.push(orphan.pid!);
  const step = ctx();
  writeRunRecord(join(dir, 'state'), {
    runKey: serviceRunKey(step),
    pid: orphan.pid!,
    argv: ['./versioned-tool.js', 'deploy', 'payments'],
    cwd: FIXTURES,
    startedAt: new Date().toISOString(),
    deadlineMs: Date.now() + 60_000,
  });
  const retry = target().deploy(step, { version: '2.4.0', previousVersion: '2.3.0' });
  await waitFor(() => step.heartbeats() >= 2, 'heartbeats while the retry waits');
  expect(calls()).toEqual([]); // not even `current` ran while the orphan was changing things
  writeFileSync(release, '');
  expect((await retry).noop).toBe(true);
  expect(calls().map((c) => c.action)).toEqual(['current']);
});
