/** Runs the real `lockstep` CLI as a child process and collects its output and exit code. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const LOCKSTEP_BIN = resolve(__dirname, '..', '..', 'bin', 'lockstep.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Called with everything the process printed so far, each time it prints more (to act on what it shows). */
export type OutputWatcher = (output: string) => void;

export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000, onOutput?: OutputWatcher): Promise<CliResult> {
  return runProcess(process.execPath, [LOCKSTEP_BIN, ...args], { LOCKSTEP_LOG_LEVEL: 'silent', ...env }, timeoutMs, onOutput);
}

/** Runs a program to its end with extra environment; its output and exit code (SIGKILL after timeoutMs). */
export function runProcess(
  program: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
  onOutput?: OutputWatcher,
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onOutput?.(stderr + stdout);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onOutput?.(stderr + stdout);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} ${args.join(' ')} did not finish in ${timeoutMs}ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
