/**
 * Liveness and termination of processes and process groups (POSIX).
 *
 * A zombie counts as gone: on machines whose init does not reap orphans (some containers), a
 * killed orphan stays a zombie forever, and `kill(pid, 0)` alone would call it alive. On Linux
 * the state is read from /proc; elsewhere `kill(pid, 0)` is the answer.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from './conditionWait';

const HAS_PROCFS = process.platform === 'linux' && existsSync('/proc/self/stat');

interface ProcStat {
  state: string;
  processGroup: number;
  /** Clock ticks after boot at which the process started; tells a reused pid from the original. */
  startTime: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', processGroup: Number(fields[2]), startTime: Number(fields[19]) };
}

const isRunningState = (stat: ProcStat): boolean => stat.state !== 'Z' && stat.state !== 'X';

/** kill(target, 0): does a process (target > 0) or process group (target < 0) exist? */
function exists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process runs (exists and is not a zombie). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !exists(pid)) return false;
  if (!HAS_PROCFS) return true;
  const stat = readProcStat(pid);
  return stat !== undefined && isRunningState(stat);
}

/** True while any process of the group runs (zombies do not count). */
export function isProcessGroupAlive(processGroup: number): boolean {
  if (!Number.isInteger(processGroup) || processGroup <= 1 || !exists(-processGroup)) return false;
  if (!HAS_PROCFS) return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.processGroup === processGroup && isRunningState(stat)) return true;
  }
  return false;
}

/**
 * When the process started, in an opaque unit (Linux only; undefined elsewhere or when it is gone).
 * Recorded next to a pid so that a later check can tell the process from one that reused its pid.
 */
export function processStartTime(pid: number): number | undefined {
  return HAS_PROCFS ? readProcStat(pid)?.startTime : undefined;
}

/** Sends a signal to every process of the group; a group that is already gone is fine. */
export function signalProcessGroup(processGroup: number, signal: NodeJS.Signals): void {
  if (!Number.isInteger(processGroup) || processGroup <= 1) {
    throw new Error(`refusing to signal process group ${processGroup}`);
  }
  try {
    process.kill(-processGroup, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** When it fires during the grace period, SIGKILL is sent at once (the wait itself is not abandoned). */
  signal?: AbortSignal;
  heartbeat?: () => void;
  /** How long to wait for the group to vanish after SIGKILL before giving up (default 5s). */
  killWaitMs?: number;
}

/**
 * SIGTERM to the whole group, SIGKILL after the grace period, and resolves once no process of
 * the group runs. Rejects only if the group survives SIGKILL (e.g. a process stuck in the kernel).
 */
export async function terminateProcessGroup(processGroup: number, opts: TerminateOptions): Promise<void> {
  const gone = (): boolean => !isProcessGroupAlive(processGroup);
  if (gone()) return;
  signalProcessGroup(processGroup, 'SIGTERM');
  const hurry = new AbortController();
  const onAbort = (): void => hurry.abort();
  if (opts.signal?.aborted) hurry.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const stopped = await waitUntil(gone, { timeoutMs: opts.graceMs, signal: hurry.signal, heartbeat: opts.heartbeat }).catch(
      () => false, // aborted: escalate now
    );
    if (stopped) return;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  signalProcessGroup(processGroup, 'SIGKILL');
  const killWaitMs = opts.killWaitMs ?? 5000;
  if (!(await waitUntil(gone, { timeoutMs: killWaitMs, heartbeat: opts.heartbeat }))) {
    throw new Error(`process group ${processGroup} still runs ${killWaitMs}ms after SIGKILL`);
  }
}
