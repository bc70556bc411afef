/**
 * The `process` target: runs a service as a local long-running process, one version at a time
 * (development, the demo, the tests). What runs is recorded per environment and service in
 * `<stateDir>/<environment>/<service>.json` ({ pid, version, startedAt, argv }), the service's
 * output is appended to the `.log` beside it, and the process outlives the worker that started it
 * (its own process group, unref'd, stdio to a file), so a later worker finds and replaces it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../logging/logger';
import { parseDuration } from '../../manifest/duration';
import type { ProcessTarget } from './spec';
import { throwIfAborted } from '../abortReason';
import { stepKey } from '../completionRecords';
import { StepError, type DeployTarget, type StepContext, type StepOutput } from '../deployTarget';
import { DEFAULT_TAIL_BYTES, decodeTail, lastLine } from '../outputTail';
import { isProcessAlive, processStartTime, terminateProcessGroup } from '../processGroup';
import { resolveProgram } from '../runCommand';
import { lockstepStateDir } from '../stateDir';

/** What the state file records about the running process. */
export interface ProcessState {
  /** The service's pid, which is also its process group id. */
  pid: number;
  version: string;
  startedAt: string;
  argv: string[];
  /** Start time of the pid (Linux), to tell it from a process that later reused the pid. */
  startTime?: number;
  /** The step (completionRecords.ts `stepKey`) of the rollback that started this process and saw it through its start check. */
  rollbackKey?: string;
}

export interface ProcessTargetDeps {
  /** Default: LOCKSTEP_PROCESS_STATE_DIR, else `<lockstepStateDir()>/processes`. */
  stateDir?: string;
  logger?: Logger;
  /** A process that exits within this time after its start fails the step (default 300ms). */
  startCheckMs?: number;
}

const DEFAULT_START_CHECK_MS = 300;
const DEFAULT_STOP_TIMEOUT_MS = 5000;

export function processStateDir(): string {
  return process.env.LOCKSTEP_PROCESS_STATE_DIR ?? join(lockstepStateDir(), 'processes');
}

/** The state file of one service in one environment; its log file is the same path with `.log`. */
export function processStatePath(stateDir: string, environment: string, service: string): string {
  return join(stateDir, safeFileName(environment), `${safeFileName(service)}.json`);
}

export function createProcessTarget(spec: ProcessTarget, deps: ProcessTargetDeps = {}): DeployTarget {
  const stateDir = deps.stateDir ?? processStateDir();
  const stopTimeoutMs = parseDuration(spec.stopTimeout) ?? DEFAULT_STOP_TIMEOUT_MS;
  const startCheckMs = deps.startCheckMs ?? DEFAULT_START_CHECK_MS;
  const statePath = (ctx: StepContext): string => processStatePath(stateDir, ctx.environment, ctx.service);

  async function start(ctx: StepContext, version: string, what: string, rollbackKey: string | undefined): Promise<StepOutput> {
    const file = statePath(ctx);
    const logFile = file.replace(/\.json$/, '.log');
    const cwd = resolve(ctx.baseDir, spec.cwd ?? '.');
    const argv = spec.start.map((arg) => arg.split('{{version}}').join(version));
    if (!isDirectory(cwd)) throw new StepError(`${what} failed: working directory ${cwd} does not exist`, '', '', false);
    const program = resolveProgram(argv[0]!, cwd);

    mkdirSync(join(file, '..'), { recursive: true });
    appendFileSync(logFile, `--- ${new Date().toISOString()} starting ${ctx.service} ${version}: ${JSON.stringify(argv)}\n`);
    const logOffset = statSync(logFile).size;
    const logFd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(program, argv.slice(1), {
        cwd,
        env: {
          ...process.env,
          ...spec.env,
          LOCKSTEP_SERVICE: ctx.service,
          LOCKSTEP_VERSION: version,
          LOCKSTEP_ENVIRONMENT: ctx.environment,
        },
        shell: false,
        detached: true, // its own process group: it outlives the worker and is stopped as a whole
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      closeSync(logFd); // the child has its own copy
    }
    child.unref();
    const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
    const exited = new Promise<string>((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit(signal ? `killed by ${signal}` : `exit code ${code}`)),
    );
    const pid = child.pid;
    if (pid === undefined) {
      const err = (await spawnError) as NodeJS.ErrnoException;
      const reason = err.code === 'ENOENT' ? `program ${argv[0]} not found (cwd ${cwd})` : err.message;
      throw new StepError(`${what} failed: ${reason}`, '', '', err.code !== 'ENOENT' && err.code !== 'EACCES');
    }
    const state: ProcessState = { pid, version, startedAt: new Date().toISOString(), argv, startTime: processStartTime(pid) };
    writeState(file, state); // recorded at once: a worker killed during the start check still knows it

    // fail fast: a process that exits right away (bad config, port taken) fails the step
    let startTimer: NodeJS.Timeout | undefined;
    const early = await Promise.race([
      exited,
      new Promise<undefined>((resolveAlive) => {
        startTimer = setTimeout(() => resolveAlive(undefined), startCheckMs);
      }),
    ]);
    clearTimeout(startTimer);
    const output = readTail(logFile, logOffset);
    if (early !== undefined) {
      rmSync(file, { force: true });
      const why = lastLine(output);
      throw new StepError(`${what} failed: the process exited right after it started (${early})${why ? `: ${why}` : ''}`, output, '');
    }
    // only a process that passed its start check completes a rollback: a retry may then leave it alone
    if (rollbackKey !== undefined) writeState(file, { ...state, rollbackKey });
    deps.logger?.info({ service: ctx.service, version, pid }, 'process started');
    return { noop: false, stdoutTail: output, stderrTail: '' };
  }

  async function apply(action: 'deploy' | 'rollback', ctx: StepContext, version: string, what: string): Promise<StepOutput> {
    const file = statePath(ctx);
    return serialized(file, async () => {
      throwIfAborted(ctx.signal);
      const state = readState(file);
      const running = state !== undefined && isRecordedProcessRunning(state);
      // A deploy of the version that runs has nothing to do. A rollback restarts the old version
      // even when the state file names it: the deploy may have half-applied (e.g. the old process
      // was sent SIGTERM and is on its way out). Only a retry of this very rollback, whose process
      // still runs, leaves it alone.
      const done = action === 'deploy' || state?.rollbackKey === stepKey(ctx);
      if (running && state.version === version && done) return { noop: true, stdoutTail: '', stderrTail: '' };
      if (state) {
        await stopRecordedProcess(state, { graceMs: stopTimeoutMs, signal: ctx.signal, heartbeat: () => ctx.heartbeat() });
        rmSync(file, { force: true });
        deps.logger?.info({ service: ctx.service, version: state.version, pid: state.pid }, 'process stopped');
      }
      throwIfAborted(ctx.signal);
      if (version === '') return { noop: !running, stdoutTail: '', stderrTail: '' };
      return start(ctx, version, what, action === 'rollback' ? stepKey(ctx) : undefined);
    });
  }

  return {
    async current(ctx) {
      const state = readState(statePath(ctx));
      return state !== undefined && isRecordedProcessRunning(state) ? state.version : '';
    },
    deploy: (ctx, { version }) => apply('deploy', ctx, version, `deploy of ${ctx.service} ${version}`),
    rollback: (ctx, { version }) =>
      apply('rollback', ctx, version, `rollback of ${ctx.service} to ${version === '' ? 'nothing (remove)' : version}`),
  };
}

/** Stops every process recorded under a state directory and removes their state (demo and test clean-up). */
export async function stopAllProcesses(stateDir: string = processStateDir(), opts: { graceMs?: number } = {}): Promise<void> {
  const files: string[] = [];
  for (const environment of listDir(stateDir)) {
    for (const name of listDir(join(stateDir, environment))) {
      if (name.endsWith('.json')) files.push(join(stateDir, environment, name));
    }
  }
  await Promise.all(
    files.map((file) =>
      serialized(file, async () => {
        const state = readState(file);
        if (state) await stopRecordedProcess(state, { graceMs: opts.graceMs ?? DEFAULT_STOP_TIMEOUT_MS });
        rmSync(file, { force: true });
      }),
    ),
  );
}

/** True while the recorded process (the very one, not a later holder of its pid) runs. */
function isRecordedProcessRunning(state: ProcessState): boolean {
  if (!isProcessAlive(state.pid)) return false;
  const startTime = processStartTime(state.pid);
  return state.startTime === undefined || startTime === undefined || startTime === state.startTime;
}

/** Stops the recorded process's group: SIGTERM, then SIGKILL after the grace period. */
async function stopRecordedProcess(
  state: ProcessState,
  opts: { graceMs: number; signal?: AbortSignal; heartbeat?: () => void },
): Promise<void> {
  const startTime = processStartTime(state.pid);
  if (state.startTime !== undefined && startTime !== undefined && startTime !== state.startTime) {
    return; // the pid was reused by an unrelated process; our group is long gone
  }
  // the leader may be gone while its children still run: the group is stopped either way
  await terminateProcessGroup(state.pid, opts);
}

function readState(file: string): ProcessState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as ProcessState;
    return Number.isInteger(state.pid) && typeof state.version === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: ProcessState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2));
  renameSync(temp, file);
}

/** The output written to the log since `offset`, at most the last few kilobytes. */
function readTail(logFile: string, offset: number): string {
  let fd: number | undefined;
  try {
    const size = statSync(logFile).size;
    const from = Math.max(offset, size - DEFAULT_TAIL_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - from));
    fd = openSync(logFile, 'r');
    readSync(fd, buffer, 0, buffer.length, from);
    return decodeTail(buffer);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Runs changes of one state file one after another within this process. */
function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  queues.set(key, next);
  void next.finally(() => {
    if (queues.get(key) === next) queues.delete(key);
  }).catch(() => undefined);
  return next;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A name usable as one path segment (environment and service names are already plain). */
function safeFileName(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return plain.startsWith('.') || plain === '' ? `_${plain}` : plain;
}
