/** A real `lockstep worker` process on a given task queue (for crash tests and CLI tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { LOCKSTEP_BIN } from './runCli';
import { waitFor } from './waitFor';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no chance to clean up, as when a machine dies. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A hang guard, not a speed limit: a worker bundles the workflow code as it starts, which takes
 * seconds on an idle machine and more than a minute on a busy one.
 */
export const WORKER_START_DEADLINE_MS = 180_000;

/** `args`: more flags of `lockstep worker` (e.g. `--metrics 127.0.0.1:9464`). */
export async function startWorkerProcess(taskQueue: string, env: Record<string, string> = {}, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [LOCKSTEP_BIN, 'worker', '--task-queue', taskQueue, ...args], {
    env: { ...process.env, LOCKSTEP_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`worker exited early:\n${output}`);
        return output.includes('lockstep worker: polling');
      },
      'the worker process to poll',
      WORKER_START_DEADLINE_MS,
    );
  } catch (err) {
    child.kill('SIGKILL'); // not left running after the test gave up on it
    throw new Error(`${(err as Error).message}; its output:\n${output}`);
  }
  return {
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
