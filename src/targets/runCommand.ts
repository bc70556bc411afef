/**
 * Runs one command (an argv, never through a shell) in its own process group, with a timeout,
 * cancellation that kills the whole group, heartbeats, and tails of its output.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { formatDuration } from '../manifest/duration';
import type { Logger } from '../logging/logger';
import { abortReason, throwIfAborted } from './abortReason';
import { StepError } from './deployTarget';
import { OutputTail } from './outputTail';
import { terminateProcessGroup } from './processGroup';
import { hasLiveRun, removeRunRecord, waitForPreviousRun, writeRunRecord } from './runRecords';
import { lockstepStateDir } from './stateDir';

export interface RunCommandOptions {
  argv: readonly string[];
  /** Working directory; a relative argv[0] containing '/' resolves against it. */
  cwd: string;
  /** Added to (and overriding) the worker's own environment. */
  env?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Kills the process group and rejects with the signal's reason (or an `AbortError`). */
  signal: AbortSignal;
  /** Called every second while the command runs or waits for a previous run. */
  heartbeat?: () => void;
  /**
   * Identifies the run across worker restarts: a run is recorded under this key, and a new run
   * with the same key first waits for a previous one whose process group still runs.
   */
  runKey?: string;
  /** Where run records live; default `lockstepStateDir()`. */
  stateDir?: string;
  /** Time between SIGTERM and SIGKILL when the group is killed; default 2s. */
  killGraceMs?: number;
  logger?: Logger;
}

export interface CommandResult {
  /** The exit code; 128 + the signal number when a signal ended the command. */
  exitCode: number;
  /** The signal that ended the command, if one did. */
  signal: NodeJS.Signals | null;
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

const HEARTBEAT_MS = 1000;
/** After the command exits, how long descendants that still hold its stdout/stderr may delay the result. */
const OUTPUT_DRAIN_MS = 250;

/** argv[0] as spawned: a relative path containing '/' resolves against cwd; a bare name is looked up on PATH. */
export function resolveProgram(program: string, cwd: string): string {
  return program.includes('/') && !isAbsolute(program) ? resolve(cwd, program) : program;
}

export async function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  const { argv, cwd, signal } = opts;
  const name = argv[0];
  if (name === undefined || name === '') throw new StepError('no command to run: argv is empty', '', '', false);
  throwIfAborted(signal);
  if (!isDirectory(cwd)) {
    throw new StepError(`cannot run ${name}: working directory ${cwd} does not exist`, '', '', false);
  }
  const program = resolveProgram(name, cwd);
  const stateDir = opts.stateDir ?? lockstepStateDir();
  const killGraceMs = opts.killGraceMs ?? 2000;
  const { runKey } = opts;
  if (runKey !== undefined) {
    // the last check and the spawn below run without an await in between: no other run of this
    // key can start in this process after the check
    do {
      await waitForPreviousRun(runKey, { stateDir, signal, heartbeat: opts.heartbeat, logger: opts.logger, killGraceMs });
    } while (hasLiveRun(stateDir, runKey));
  }

  const started = performance.now();
  const child = spawn(program, argv.slice(1), {
    cwd,
    env: { ...process.env, ...opts.env },
    shell: false,
    detached: true, // its own process group, so the whole tree can be killed
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
  const pid = child.pid;
  if (pid === undefined) throw programError(await spawnError, name, program, cwd);
  if (runKey !== undefined) {
    writeRunRecord(stateDir, {
      runKey,
      pid,
      argv: [...argv],
      cwd,
      startedAt: new Date().toISOString(),
      deadlineMs: Date.now() + opts.timeoutMs,
    });
  }

  const stdout = new OutputTail();
  const stderr = new OutputTail();
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const closed = new Promise<void>((resolveClosed) => child.once('close', () => resolveClosed()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, exitSignal) => resolveExit({ code, signal: exitSignal })),
  );

  let stopReason: 'timeout' | 'abort' | undefined;
  let stopping: Promise<void> | undefined;
  let stopFailure: Error | undefined;
  const stop = (reason: 'timeout' | 'abort'): void => {
    if (stopping) return;
    stopReason = reason;
    opts.logger?.warn({ pid, argv, reason }, "killing the command's process group");
    stopping = terminateProcessGroup(pid, { graceMs: killGraceMs, heartbeat: opts.heartbeat }).catch((err: Error) => {
      stopFailure = err;
    });
  };
  const onAbort = (): void => stop('abort');
  signal.addEventListener('abort', onAbort, { once: true });
  const timeoutTimer = setTimeout(() => stop('timeout'), opts.timeoutMs);
  const heartbeatTimer = setInterval(() => {
    try {
      opts.heartbeat?.();
    } catch (err) {
      opts.logger?.warn({ err }, 'heartbeat failed'); // never let it crash the worker from a timer
    }
  }, HEARTBEAT_MS);

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await exited;
    clearTimeout(timeoutTimer);
    signal.removeEventListener('abort', onAbort);
    // a killed run ends when its whole group is gone, not just its leader
    if (stopping) await stopping;
    await settleOutput(closed, child.stdout, child.stderr);
  } finally {
    clearTimeout(timeoutTimer);
    clearInterval(heartbeatTimer);
    signal.removeEventListener('abort', onAbort);
    if (runKey !== undefined) removeRunRecord(stateDir, runKey, pid);
  }

  const durationMs = Math.round(performance.now() - started);
  const stdoutTail = stdout.text();
  const stderrTail = stderr.text();
  if (stopFailure) throw new StepError(`could not stop ${name} (${stopReason}): ${stopFailure.message}`, stdoutTail, stderrTail);
  if (stopReason === 'abort') throw abortReason(signal);
  if (stopReason === 'timeout') {
    throw new StepError(`timed out after ${formatDuration(opts.timeoutMs)}`, stdoutTail, stderrTail);
  }
  const exitCode = exit.code ?? 128 + signalNumber(exit.signal);
  return { exitCode, signal: exit.signal, stdoutTail, stderrTail, durationMs };
}

/** Waits for stdout/stderr to close; descendants that keep them open get a short grace, then are cut off. */
async function settleOutput(closed: Promise<void>, ...streams: Readable[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolveLate) => {
      timer = setTimeout(() => resolveLate(false), OUTPUT_DRAIN_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!drained) for (const stream of streams) stream.destroy();
}

function programError(err: Error, name: string, program: string, cwd: string): StepError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    const where = program.includes('/') ? program : 'PATH';
    return new StepError(`program ${name} not found (looked in ${where}; cwd ${cwd})`, '', '', false);
  }
  if (code === 'EACCES') {
    return new StepError(`program ${name} is not executable (${program}; cwd ${cwd})`, '', '', false);
  }
  return new StepError(`cannot run ${name} (cwd ${cwd}): ${err.message}`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal] ?? 0;
}
