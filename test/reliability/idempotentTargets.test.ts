/**
 * Idempotent built-in targets: the process that ran a deploy dies (SIGKILL) before it could report,
 * and the deploy is repeated with the same idempotency key, as Temporal's retry does on another
 * worker. For the `command` and `process` targets the repeat never applies the version a second
 * time: it waits for what the dead process left running, and finds the version already there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandTarget, ProcessTarget, type Target } from '../../src/manifest/schema';
import { createCommandTarget } from '../../src/targets/command/commandTarget';
import { createProcessTarget, processStatePath, stopAllProcesses } from '../../src/targets/process/processTarget';
import { FakeFleet } from '../support/fakeFleet';
import { waitFor } from '../support/waitFor';
import { killQuietly, stepContext } from '../targets/processChecks';
import { freePort } from '../../src/net/tcpPorts';
import { isProcessAlive } from '../../src/targets/processGroup';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'targets');
const children: ChildProcess[] = [];
const processStateDirs: string[] = [];
afterAll(async () => {
  children.forEach((c) => killQuietly(c.pid));
  for (const dir of processStateDirs) await stopAllProcesses(dir, { graceMs: 500 });
});

/** Starts a "worker" process that deploys through `target` and is then left to be killed. */
function deployInDoomedProcess(target: Target, env: { stateDir: string; baseDir: string; service: string; version: string; key: string }) {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(FIXTURES, 'deploy-until-killed.ts')], {
    env: { ...process.env, TARGET: JSON.stringify(target), STATE_DIR: env.stateDir, BASE_DIR: env.baseDir, SERVICE: env.service, VERSION: env.version, KEY: env.key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('idempotent targets: a deploy repeated with the same idempotency key after its worker died', () => {
  test('command: the repeat waits for the orphaned deploy command, finds the version applied, and does nothing (applied once)', async () => {
    const fleet = new FakeFleet({ payments: '1.0.0' });
    fleet.hold('deploy', 'payments'); // the orphaned deploy runs on until the repeat is waiting for it
    const target = CommandTarget.parse(fleet.service('payments', '2.0.0').target);
    const stateDir = mkdtempSync(join(tmpdir(), 'lockstep-idempotent-command-'));
    const key = 'release/test/r1:payments:deploy';
    const doomed = deployInDoomedProcess(target, { stateDir, baseDir: fleet.dir, service: 'payments', version: '2.0.0', key });
    await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start payments')), 'the deploy command to start');
    await doomed.kill(); // the deploy command itself runs on, orphaned (its own process group)

    const retry = createCommandTarget(target, { stateDir });
    const ctx = stepContext({ baseDir: fleet.dir, service: 'payments', releaseId: 'crashing-worker', environment: 'test', idempotencyKey: key });
    const repeating = retry.deploy(ctx, { version: '2.0.0', previousVersion: '1.0.0' });
    await waitFor(() => ctx.heartbeats() > 0, 'the repeat to wait for the orphaned deploy');
    fleet.letGo('deploy', 'payments');
    const repeated = await repeating;
    expect(repeated).toEqual({ noop: true, stdoutTail: '', stderrTail: '' });
    expect(await retry.deploy(ctx, { version: '2.0.0', previousVersion: '1.0.0' })).toEqual({ noop: true, stdoutTail: '', stderrTail: '' });
    expect(fleet.version('payments')).toBe('2.0.0');
    expect(fleet.applied()).toEqual(['deploy payments 2.0.0']);
    expect(fleet.events().filter((e) => e.startsWith('deploy-start'))).toEqual([`deploy-start payments 2.0.0 key=${key}`]);
  });

  test('process: a deploy that finished before its worker died is a no-op when repeated (the same process keeps serving)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lockstep-idempotent-process-'));
    processStateDirs.push(stateDir);
    const port = await freePort();
    const target = ProcessTarget.parse({ kind: 'process', start: ['./http-service.js', String(port), '{{version}}'] });
    const doomed = deployInDoomedProcess(target, { stateDir, baseDir: FIXTURES, service: 'payments', version: '2.0.0', key: 'r2:payments:deploy' });
    await waitFor(() => doomed.output().includes('"noop":false'), 'the deploy to finish in the doomed process');
    await doomed.kill();
    const served = await waitFor(() => versionServedOn(port), 'the service to answer');

    const ctx = stepContext({ baseDir: FIXTURES, service: 'payments', environment: 'test', idempotencyKey: 'r2:payments:deploy' });
    const repeated = await createProcessTarget(target, { stateDir }).deploy(ctx, { version: '2.0.0', previousVersion: '' });
    expect(repeated.noop).toBe(true);
    expect(await versionServedOn(port)).toEqual(served); // same version, same pid: nothing was restarted
    expect(served.version).toBe('2.0.0');
    expect(startsIn(stateDir, 'payments')).toEqual(['2.0.0']);
  });

  test('process: a deploy whose worker died while stopping the old version is completed once by the repeat, then is a no-op', async () => {
    // the old version ignores SIGTERM: stopping it takes the whole stopTimeout, the window in which the worker dies
    const { stateDir, port, target, v1 } = await workerKilledWhileStoppingVersion1({ SERVICE_IGNORE_TERM: '1' }, 'ignoring SIGTERM', 'r3');
    const ctx = stepContext({ baseDir: FIXTURES, service: 'payments', environment: 'test', idempotencyKey: 'r3:payments:deploy' });
    expect(isProcessAlive(v1.pid)).toBe(true); // half-done: the old version still runs, the new one never started

    const retry = createProcessTarget(target, { stateDir });
    expect((await retry.deploy(ctx, { version: '2.0.0', previousVersion: '1.0.0' })).noop).toBe(false);
    expect((await retry.deploy(ctx, { version: '2.0.0', previousVersion: '1.0.0' })).noop).toBe(true);
    expect(isProcessAlive(v1.pid)).toBe(false);
    expect((await waitFor(() => versionServedOn(port), 'version 2 to answer')).version).toBe('2.0.0');
    expect(startsIn(stateDir, 'payments')).toEqual(['1.0.0', '2.0.0']);
  });
});

describe('a rollback after a deploy whose worker died half-way', () => {
  test('process: the old version was told to stop (SIGTERM, draining) when the worker died; the rollback starts it again although the state file names it', async () => {
    // after SIGTERM the old version drains (serving on) for longer than the test: it still runs when the rollback comes
    const { stateDir, port, target, v1 } = await workerKilledWhileStoppingVersion1({ SERVICE_DRAIN_MS: '120000' }, 'SIGTERM: draining', 'r4');
    const retry = createProcessTarget(target, { stateDir });
    const rollbackCtx = stepContext({ baseDir: FIXTURES, service: 'payments', environment: 'test', idempotencyKey: 'r4:payments:rollback' });
    expect(await retry.current(rollbackCtx)).toBe('1.0.0'); // the state file still names 1.0.0, whose process is on its way out

    expect((await retry.rollback(rollbackCtx, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(false);
    expect(isProcessAlive(v1.pid)).toBe(false);
    const restored = await waitFor(() => versionServedOn(port), 'version 1 to answer again');
    expect(restored.version).toBe('1.0.0');
    expect(restored.pid).not.toBe(v1.pid);
    expect(startsIn(stateDir, 'payments')).toEqual(['1.0.0', '1.0.0']);
    // and a retry of that rollback leaves the restarted process alone
    expect((await createProcessTarget(target, { stateDir }).rollback(rollbackCtx, { version: '1.0.0', previousVersion: '2.0.0' })).noop).toBe(true);
    expect((await versionServedOn(port))?.pid).toBe(restored.pid);
  });
});

/**
 * Version 1 of `payments` runs (process target, its own state directory); a "worker" process deploys
 * version 2 and is SIGKILLed once the service's log shows `stopping` (version 1 got its SIGTERM).
 * The doomed worker's stopTimeout is long, so it cannot escalate to SIGKILL before it dies; the
 * returned target (the retry's) has a short one.
 */
async function workerKilledWhileStoppingVersion1(env: Record<string, string>, stopping: string, releaseId: string) {
  const stateDir = mkdtempSync(join(tmpdir(), 'lockstep-idempotent-process-'));
  processStateDirs.push(stateDir);
  const port = await freePort();
  const spec = (stopTimeout: string) =>
    ProcessTarget.parse({ kind: 'process', start: ['./http-service.js', String(port), '{{version}}'], env, stopTimeout });
  const target = spec('1s');
  const key = `${releaseId}:payments:deploy`;
  const ctx = stepContext({ baseDir: FIXTURES, service: 'payments', environment: 'test', idempotencyKey: key });
  await createProcessTarget(target, { stateDir }).deploy(ctx, { version: '1.0.0', previousVersion: '' });
  const v1 = await waitFor(() => versionServedOn(port), 'version 1 to answer');
  const doomed = deployInDoomedProcess(spec('60s'), { stateDir, baseDir: FIXTURES, service: 'payments', version: '2.0.0', key });
  await waitFor(() => logOf(stateDir, 'payments').includes(stopping), 'the doomed deploy to be stopping version 1', 30_000);
  await doomed.kill();
  return { stateDir, port, target, v1 };
}

async function versionServedOn(port: number): Promise<{ version: string; pid: number } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(2000) });
    return (await response.json()) as { version: string; pid: number };
  } catch {
    return undefined;
  }
}

function logOf(stateDir: string, service: string): string {
  try {
    return readFileSync(processStatePath(stateDir, 'test', service).replace(/\.json$/, '.log'), 'utf8');
  } catch {
    return '';
  }
}

/** Versions the process target started, in order, from the service's log. */
function startsIn(stateDir: string, service: string): string[] {
  return [...logOf(stateDir, service).matchAll(/ starting \S+ (\S+): /g)].map((m) => m[1]!);
}
