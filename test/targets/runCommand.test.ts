/** runCommand against real scripts: argv without a shell, env, cwd, tails, timeout, abort, run records. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StepError } from '../../src/targets/deployTarget';
import { runCommand } from '../../src/targets/runCommand';
import { readRunRecord, writeRunRecord } from '../../src/targets/runRecords';
import { killQuietly, pidFrom } from './processChecks';
import { isProcessAlive } from '../../src/targets/processGroup';
import { waitFor } from '../support/waitFor';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'targets');
const started: number[] = [];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-run-'));
});
afterEach(() => {
  started.splice(0).forEach(killQuietly);
  rmSync(dir, { recursive: true, force: true });
});

const never = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

test('passes every argument literally: no shell interprets $(...), ; or quotes', async () => {
  const calls = join(dir, 'calls.jsonl');
  const pwned = join(dir, 'pwned');
  const args = [`$(touch ${pwned})`, '; rm -rf x', '`id`', '"quoted" \'single\'', '*', '$HOME'];
  const result = await runCommand({
    argv: ['./versioned-tool.js', ...args],
    cwd: FIXTURES,
    env: { LOCKSTEP_ACTION: 'current', TOOL_CALLS: calls, TOOL_STATE: join(dir, 'state') },
    timeoutMs: 10_000,
    signal: never,
  });
  expect(result.exitCode).toBe(0);
  expect(JSON.parse(readFileSync(calls, 'utf8')).args).toEqual(args);
  expect(existsSync(pwned)).toBe(false);
});

test('adds the given variables to the worker environment', async () => {
  process.env.LOCKSTEP_TEST_INHERITED = 'from-worker';
  try {
    const result = await runCommand({
      argv: ['node', '-e', 'console.log(process.env.LOCKSTEP_TEST_INHERITED, process.env.TOOL_EXTRA)'],
      cwd: dir,
      env: { TOOL_EXTRA: 'added' },
      timeoutMs: 10_000,
      signal: never,
    });
    expect(result.stdoutTail.trim()).toBe('from-worker added');
  } finally {
    delete process.env.LOCKSTEP_TEST_INHERITED;
  }
});

test('runs in cwd and resolves a relative program path against it', async () => {
  const result = await runCommand({ argv: ['./print-cwd.sh'], cwd: join(FIXTURES, 'nested'), timeoutMs: 10_000, signal: never });
  expect(result.stdoutTail.trim()).toBe(join(FIXTURES, 'nested'));
});

test('keeps the last 4 KB of stdout and of stderr, and reports the exit code', async () => {
  const result = await runCommand({ argv: ['./noisy.js', '500', '7'], cwd: FIXTURES, timeoutMs: 10_000, signal: never });
  expect(result.exitCode).toBe(7);
  expect(result.signal).toBeNull();
  for (const [tail, last] of [
    [result.stdoutTail, 'stdout ends here'],
    [result.stderrTail, 'stderr ends here'],
  ] as const) {
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(tail)).toBeGreaterThan(3900);
    expect(tail.trimEnd().endsWith(last)).toBe(true);
  }
  expect(result.stdoutTail).not.toContain('out 000000');
  expect(result.durationMs).toBeGreaterThanOrEqual(0);
});

test('a missing program is a final error naming the program and the cwd', async () => {
  const err = await failure(runCommand({ argv: ['./no-such-deploy.sh', 'x'], cwd: FIXTURES, timeoutMs: 5000, signal: never }));
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toContain('./no-such-deploy.sh');
  expect(err.message).toContain(FIXTURES);
  expect((err as StepError).retryable).toBe(false);

  const onPath = await failure(runCommand({ argv: ['lockstep-no-such-tool'], cwd: dir, timeoutMs: 5000, signal: never }));
  expect(onPath.message).toMatch(/lockstep-no-such-tool not found .*PATH.*cwd/);
  expect((onPath as StepError).retryable).toBe(false);
});

test('a missing working directory is a final error', async () => {
  const err = await failure(runCommand({ argv: ['true'], cwd: join(dir, 'absent'), timeoutMs: 5000, signal: never }));
  expect(err.message).toContain(join(dir, 'absent'));
  expect((err as StepError).retryable).toBe(false);
});

test('a timeout kills the whole process group, grandchildren included', async () => {
  const run = runCommand({
    argv: ['./spawn-grandchild.sh'],
    cwd: FIXTURES,
    env: { PIDS_DIR: dir },
    timeoutMs: 1500,
    signal: never,
  });
  const grandchild = await pidFrom(join(dir, 'grandchild'));
  const child = await pidFrom(join(dir, 'child'));
  started.push(child, grandchild);
  expect(isProcessAlive(grandchild)).toBe(true);
  const err = await failure(run);
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toBe('timed out after 1.5s');
  expect((err as StepError).stdoutTail).toContain('started child');
  // the run settles only once the group is gone
  expect(isProcessAlive(child)).toBe(false);
  expect(isProcessAlive(grandchild)).toBe(false);
});

test('a group that ignores SIGTERM gets SIGKILL after the grace period', async () => {
  const run = runCommand({
    argv: ['./spawn-grandchild.sh'],
    cwd: FIXTURES,
    env: { PIDS_DIR: dir, IGNORE_TERM: '1' },
    timeoutMs: 500,
    killGraceMs: 300,
    signal: never,
  });
  const grandchild = await pidFrom(join(dir, 'grandchild'));
  started.push(grandchild, await pidFrom(join(dir, 'child')));
  await expect(run).rejects.toThrow('timed out after 500ms');
  expect(isProcessAlive(grandchild)).toBe(false);
});

test('an abort kills the group and rejects with the abort reason', async () => {
  const controller = new AbortController();
  const run = runCommand({ argv: ['./spawn-grandchild.sh'], cwd: FIXTURES, env: { PIDS_DIR: dir }, timeoutMs: 3_600_000, signal: controller.signal });
  const grandchild = await pidFrom(join(dir, 'grandchild'));
  const child = await pidFrom(join(dir, 'child'));
  started.push(child, grandchild);
  const reason = new Error('release aborted by alice');
  controller.abort(reason);
  expect(await failure(run)).toBe(reason); // not the hour-long timeout's error: the abort ended it
  expect(isProcessAlive(child)).toBe(false);
  expect(isProcessAlive(grandchild)).toBe(false);
});

test('an abort without an Error reason rejects with an AbortError; an aborted signal starts nothing', async () => {
  const controller = new AbortController();
  const run = runCommand({ argv: ['./spawn-grandchild.sh'], cwd: FIXTURES, env: { PIDS_DIR: dir }, timeoutMs: 60_000, signal: controller.signal });
  started.push(await pidFrom(join(dir, 'grandchild')));
  controller.abort('stop');
  expect((await failure(run)).name).toBe('AbortError');

  const marker = join(dir, 'ran');
  const err = await failure(runCommand({ argv: ['./append-line.sh', marker, 'x'], cwd: FIXTURES, timeoutMs: 5000, signal: controller.signal }));
  expect(err.name).toBe('AbortError');
  expect(existsSync(marker)).toBe(false);
});

test('heartbeats every second while the command runs', async () => {
  let beats = 0;
  const release = join(dir, 'release');
  const run = runCommand({
    argv: ['./wait-for-file.sh', release, join(dir, 'log'), 'done'],
    cwd: FIXTURES,
    timeoutMs: 30_000,
    signal: never,
    heartbeat: () => beats++,
  });
  await waitFor(() => beats >= 2, 'two heartbeats');
  writeFileSync(release, '');
  expect((await run).exitCode).toBe(0);
});

describe('run records (a retried step never overlaps the previous attempt)', () => {
  const runKey = 'rel-1:payments:deploy';

  /** A command left running by a worker that died: its own process group and a record naming it. */
  function startOrphan(release: string, log: string, deadlineMs = Date.now() + 60_000): number {
    const orphan = spawn(join(FIXTURES, 'wait-for-file.sh'), [release, log, 'orphan finished'], { detached: true, stdio: 'ignore' });
    const pid = orphan.pid!;
    started.push(pid);
    writeRunRecord(dir, { runKey, pid, argv: ['./deploy.sh'], cwd: FIXTURES, startedAt: new Date().toISOString(), deadlineMs });
    return pid;
  }

  test('the record exists while the command runs and is removed when it ends', async () => {
    const release = join(dir, 'release');
    const run = runCommand({ argv: ['./wait-for-file.sh', release, join(dir, 'log'), 'x'], cwd: FIXTURES, timeoutMs: 30_000, signal: never, runKey, stateDir: dir });
    const record = await waitFor(() => readRunRecord(dir, runKey), 'the run record');
    expect(isProcessAlive(record.pid)).toBe(true);
    expect(record.argv[0]).toBe('./wait-for-file.sh');
    writeFileSync(release, '');
    await run;
    expect(readRunRecord(dir, runKey)).toBeUndefined();
  });

  test('a new run waits, heartbeating, for an orphan of the same key to finish', async () => {
    const release = join(dir, 'release');
    const log = join(dir, 'log');
    startOrphan(release, log);
    let beats = 0;
    const run = runCommand({ argv: ['./append-line.sh', log, 'retry ran'], cwd: FIXTURES, timeoutMs: 30_000, signal: never, runKey, stateDir: dir, heartbeat: () => beats++ });
    await waitFor(() => beats >= 2, 'heartbeats while waiting');
    expect(existsSync(log)).toBe(false); // the retry has not run yet
    writeFileSync(release, '');
    expect((await run).exitCode).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual(['orphan finished', 'retry ran']);
    expect(readRunRecord(dir, runKey)).toBeUndefined();
  });

  test('waiting for an orphan ends at once on abort', async () => {
    startOrphan(join(dir, 'release'), join(dir, 'log'));
    const controller = new AbortController();
    const marker = join(dir, 'ran');
    const run = runCommand({ argv: ['./append-line.sh', marker, 'x'], cwd: FIXTURES, timeoutMs: 30_000, signal: controller.signal, runKey, stateDir: dir });
    const reason = new Error('cancelled');
    setImmediate(() => controller.abort(reason));
    expect(await failure(run)).toBe(reason);
    expect(existsSync(marker)).toBe(false);
  });

  test('an orphan that outlived its own timeout is killed, then the new run starts', async () => {
    const orphan = startOrphan(join(dir, 'release'), join(dir, 'log'), Date.now() - 1);
    const marker = join(dir, 'ran');
    await runCommand({ argv: ['./append-line.sh', marker, 'x'], cwd: FIXTURES, timeoutMs: 30_000, signal: never, runKey, stateDir: dir });
    expect(isProcessAlive(orphan)).toBe(false);
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
  });

  test('a stale record (its process gone) does not hold anything up', async () => {
    const done = spawn('true', [], { detached: true, stdio: 'ignore' });
    const pid = done.pid!;
    await new Promise((r) => done.once('exit', r));
    writeRunRecord(dir, { runKey, pid, argv: ['true'], cwd: dir, startedAt: new Date().toISOString(), deadlineMs: Date.now() + 60_000 });
    const result = await runCommand({ argv: ['true'], cwd: dir, timeoutMs: 5000, signal: never, runKey, stateDir: dir });
    expect(result.exitCode).toBe(0);
    expect(readRunRecord(dir, runKey)).toBeUndefined();
  });
});
