/**
 * Test helpers for the target tests: pids that fixtures write, clean-up of processes a test
 * started, and a StepContext. Liveness is `isProcessAlive` (src/targets/processGroup.ts), waits
 * are `waitFor` (test/support/waitFor.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { StepContext } from '../../src/targets/deployTarget';
import { waitFor } from '../support/waitFor';

/** Waits for a pid file written by a fixture and returns the pid. */
export function pidFrom(file: string): Promise<number> {
  return waitFor(() => existsSync(file) && Number(readFileSync(file, 'utf8').trim()), `pid file ${file}`);
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
