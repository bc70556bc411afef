/**
 * Test helpers for processes and conditions: liveness checked independently of the code under
 * test, condition waits with deadlines (never sleeps as synchronisation), free ports, clean-up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { StepContext } from '../../src/targets/deployTarget';

/**
 * True while the process runs. `process.kill(pid, 0)` is the check; on Linux a zombie counts as
 * gone, because where init does not reap orphans (some containers) a killed orphan stays a zombie.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until `check` returns a value other than undefined/false; fails after the deadline. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits for a pid file written by a fixture and returns the pid. */
export function pidFrom(file: string): Promise<number> {
  return eventually(() => existsSync(file) && Number(readFileSync(file, 'utf8').trim()), `pid file ${file}`);
}

/** SIGKILL to a pid (and its group) that may still run; for clean-up in afterEach. */
export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A StepContext for one step; `abort` cancels it, `heartbeats` counts its heartbeats. */
export function stepContext(
  overrides: Partial<Omit<StepContext, 'signal' | 'heartbeat'>> = {},
): StepContext & { abort: (reason?: unknown) => void; heartbeats: () => number } {
  const controller = new AbortController();
  let beats = 0;
  return {
    releaseId: 'rel-1',
    environment: 'test',
    service: 'payments',
    idempotencyKey: 'rel-1:payments:deploy',
    baseDir: process.cwd(),
    ...overrides,
    signal: controller.signal,
    heartbeat: () => {
      beats++;
    },
    abort: (reason?: unknown) => controller.abort(reason),
    heartbeats: () => beats,
  };
}
