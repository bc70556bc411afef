/**
 * Run records: a pid file per running command, keyed by a run key, so that a command started by a
 * worker that was then killed (its process group orphaned, still running) is found by the retry,
 * which waits for it instead of running concurrently with it.
 *
 * Files: `<stateDir>/runs/<sha256 of the run key>.json`; written atomically (temp file + rename).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { waitUntil } from './conditionWait';
import { isProcessGroupAlive, processStartTime, terminateProcessGroup } from './processGroup';

export interface RunRecord {
  runKey: string;
  /** The command's pid, which is also its process group id (it is spawned detached). */
  pid: number;
  /** Start time of the pid (Linux), to tell it from a process that later reused the pid. */
  startTime?: number;
  argv: string[];
  cwd: string;
  startedAt: string;
  /** Epoch ms when the run's timeout expires: its owner would have killed it by then. */
  deadlineMs: number;
  /** The worker process that started the run. */
  ownerPid: number;
}

export function runRecordPath(stateDir: string, runKey: string): string {
  return join(stateDir, 'runs', `${createHash('sha256').update(runKey).digest('hex').slice(0, 40)}.json`);
}

export function readRunRecord(stateDir: string, runKey: string): RunRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(runRecordPath(stateDir, runKey), 'utf8')) as RunRecord;
    return Number.isInteger(record.pid) && record.runKey === runKey ? record : undefined;
  } catch {
    return undefined; // absent, or not a record we wrote
  }
}

/** Records a run that has just been spawned (synchronously, so nothing can start in between). */
export function writeRunRecord(stateDir: string, record: Omit<RunRecord, 'startTime' | 'ownerPid'>): void {
  const path = runRecordPath(stateDir, record.runKey);
  mkdirSync(join(stateDir, 'runs'), { recursive: true });
  const full: RunRecord = { ...record, startTime: processStartTime(record.pid), ownerPid: process.pid };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(full));
  renameSync(temp, path);
}

/** Removes the record if it still describes the run with this pid (never a newer run's record). */
export function removeRunRecord(stateDir: string, runKey: string, pid: number): void {
  if (readRunRecord(stateDir, runKey)?.pid === pid) rmSync(runRecordPath(stateDir, runKey), { force: true });
}

/** True while a process of the recorded run's group still runs. */
export function isRunAlive(record: RunRecord): boolean {
  const leaderStart = processStartTime(record.pid);
  if (leaderStart !== undefined && record.startTime !== undefined && leaderStart !== record.startTime) {
    return false; // the pid now belongs to another process; the recorded group is gone
  }
  return isProcessGroupAlive(record.pid);
}

/** Synchronous: is a run with this key still running? */
export function hasLiveRun(stateDir: string, runKey: string): boolean {
  const record = readRunRecord(stateDir, runKey);
  return record !== undefined && isRunAlive(record);
}

export interface PreviousRunWaitOptions {
  stateDir: string;
  signal: AbortSignal;
  heartbeat?: () => void;
  logger?: Logger;
  /** SIGTERM→SIGKILL grace when an orphan outlives its own timeout and is killed here. */
  killGraceMs?: number;
}

/**
 * Resolves once no earlier run with this key is running. An orphan that outlives its own timeout
 * (its owner, which would have killed it, is gone) has its process group killed. Rejects with the
 * abort reason when `signal` fires; stale records are removed.
 */
export async function waitForPreviousRun(runKey: string, opts: PreviousRunWaitOptions): Promise<void> {
  let announced = false;
  for (;;) {
    const record = readRunRecord(opts.stateDir, runKey);
    if (!record) return;
    if (!isRunAlive(record)) {
      removeRunRecord(opts.stateDir, runKey, record.pid);
      return;
    }
    opts.heartbeat?.();
    const untilDeadline = record.deadlineMs - Date.now();
    if (untilDeadline <= 0) {
      opts.logger?.warn({ runKey, pid: record.pid, argv: record.argv }, 'killing an orphaned run that outlived its timeout');
      await terminateProcessGroup(record.pid, { graceMs: opts.killGraceMs ?? 2000, signal: opts.signal, heartbeat: opts.heartbeat });
      continue;
    }
    if (!announced) {
      announced = true;
      opts.logger?.warn(
        { runKey, pid: record.pid, argv: record.argv, ownerPid: record.ownerPid },
        'waiting for the previous run of this step to finish',
      );
    }
    await waitUntil(() => !isRunAlive(record), {
      timeoutMs: Math.min(untilDeadline + 1, 60_000),
      pollMs: 200,
      signal: opts.signal,
      heartbeat: opts.heartbeat,
    });
  }
}
