/** The `lockstep` command line. */
import { Command, CommanderError } from 'commander';
import { registerPlan } from './commands/planCommand';
import { registerRelease } from './commands/releaseCommand';
import { registerStatus } from './commands/statusCommand';
import { registerWorker } from './commands/workerCommand';
import { registerDev } from './commands/devCommand';
import { registerDemo } from './commands/demoCommand';
import { registerRehearse } from './commands/rehearseCommand';
import { registerControls } from './commands/controlCommands';
import { registerReport } from './commands/reportCommand';
import { registerList } from './commands/listCommand';
import { registerHistory } from './commands/historyCommand';
import { registerDora } from './commands/doraCommand';
import { registerTemporal } from './commands/temporalCommand';
import { registerCodecServer } from './commands/codecServerCommand';
import { exitCodeFor } from './cliErrors';
import { dropNoisyWarnings } from './processWarnings';
import { EXIT_CODES } from '../release/releaseStatus';
import { packageVersion } from './packageVersion';

export function buildProgram(): Command {
  const program = new Command('lockstep')
    .description('Release several services as one transaction on Temporal')
    .version(packageVersion(), '-V, --version', 'print the version of lockstep')
    .showHelpAfterError()
    .enablePositionalOptions() // lets `temporal` pass everything after its first argument through
    .exitOverride();
  registerPlan(program);
  registerRelease(program);
  registerStatus(program);
  registerList(program);
  registerHistory(program);
  registerDora(program);
  registerControls(program);
  registerReport(program);
  registerWorker(program);
  registerDev(program);
  registerRehearse(program);
  registerDemo(program);
  registerTemporal(program);
  registerCodecServer(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  dropNoisyWarnings();
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; a usage error is invalid input
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_CODES.invalidInput;
      return;
    }
    const { code, message } = exitCodeFor(err);
    console.error(`lockstep: ${message}`);
    process.exitCode = code;
  }
}

// Long-running commands (worker, dev, demo --keep) return only when they are done; then the
// process exits even if a connection or timer would keep the event loop alive.
void main(process.argv).then(() => process.exit(process.exitCode ?? 0));
