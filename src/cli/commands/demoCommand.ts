/** `lockstep demo [--keep]`: the embedded server, a worker and a fleet of HTTP services; two releases. */
import type { Command } from 'commander';
import { runDemo } from '../../demo/runDemo';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the demo: release 1 (v2, Succeeded) and release 2 (v3, a failed probe: RolledBack)')
    .option('--keep', 'leave the server, worker and fleet running to browse the Web UI; Ctrl-C stops them')
    .addHelpText('after', '\nExample:\n  $ npm run demo -- --keep')
    .action(async (opts: { keep?: boolean }) => {
      process.exitCode = await runDemo({ keep: Boolean(opts.keep) });
    });
}
