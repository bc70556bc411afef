/**
 * `lockstep temporal <args...>`: the Temporal CLI Lockstep resolved (or installs once, see
 * src/temporal/temporalCli.ts), run with the connection settings Lockstep uses. Everything after
 * `temporal` that is not one of Lockstep's connection flags goes to it unchanged; its stdin, stdout
 * and stderr are this process's, and its exit code is this command's.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { resolveTemporalCli } from '../../temporal/temporalCli';
import { temporalCliEnvironment } from '../../temporal/temporalCliEnvironment';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function registerTemporal(program: Command): void {
  withConnectionFlags(
    program
      .command('temporal')
      .description("run the Temporal CLI (installed once if missing) against Lockstep's server: the connection flags and variables below become its own")
      .argument('[args...]', 'the temporal command and its flags, e.g. workflow list --query \'LockstepStatus = "RolledBack"\'')
      .allowUnknownOption()
      .passThroughOptions(), // options after the first argument belong to the Temporal CLI
  )
    .addHelpText(
      'after',
      '\nLockstep\'s connection flags go before the temporal command; everything from the command on is passed as it is.\n' +
        'Examples:\n' +
        '  $ lockstep temporal workflow list --query \'LockstepStatus = "RolledBack"\'\n' +
        '  $ lockstep temporal --address temporal.internal:7233 task-queue describe --task-queue lockstep\n' +
        '  $ lockstep temporal workflow terminate --workflow-id release/staging/checkout-42 --reason "target broken"',
    )
    .action(async (args: string[], opts: ConnectionFlags) => {
      const env = temporalCliEnvironment(opts);
      const binary = await resolveTemporalCli();
      process.exitCode = await runForwarding(binary, args, env);
    });
}

/** Runs the program in the foreground; resolves with its exit code (128 + the signal's number when a signal ended it). */
function runForwarding(binary: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    // a terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const done = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child.once('error', (err) => {
      done();
      reject(new Error(`cannot run the Temporal CLI ${binary}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      done();
      resolveRun(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
