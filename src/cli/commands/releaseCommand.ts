/** `lockstep release <manifest> [--wait] [--follow] [--json]`: start a release, optionally wait for its outcome. */
import type { Command } from 'commander';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { loadManifest } from '../../manifest/loadManifest';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { startRelease } from '../../release/startRelease';
import { formatReportMarkdown, formatReportText } from '../../release/formatReport';
import { EXIT_CODES } from '../../release/releaseStatus';
import type { ReleaseReport } from '../../release/releaseReport';
import { CliError } from '../cliErrors';
import { followRelease } from '../followRelease';
import { hasWorkflowPollers } from '../../temporal/workerPresence';
import type { release } from '../../../workflows/release';

interface ReleaseOptions {
  wait?: boolean;
  follow?: boolean;
  json?: boolean;
  markdown?: boolean;
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

export function registerRelease(program: Command): void {
  program
    .command('release')
    .description('start a release from a manifest')
    .argument('<manifest>', 'manifest file (YAML or JSON)')
    .option('--wait', 'wait for the outcome; exit 0 Succeeded, 1 RolledBack/Rejected, 2 RollbackFailed, 3 invalid input, 4 cannot reach Temporal')
    .option('--follow', 'print progress as it happens (implies --wait)')
    .option('--json', 'print JSON (the report, with --wait)')
    .option('--markdown', 'print the final report as Markdown (with --wait)')
    .option('--address <host:port>', 'Temporal address (default $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default $TEMPORAL_NAMESPACE or default)')
    .option('--task-queue <name>', 'task queue (default $LOCKSTEP_TASK_QUEUE or lockstep)')
    .addHelpText('after', '\nExample:\n  $ lockstep release deploy/checkout.yaml --wait')
    .action(async (file: string, opts: ReleaseOptions) => {
      const loaded = loadManifest(file);
      const settings = temporalSettings(opts);
      const client = await connectClient(settings);
      const started = await startRelease(client, loaded, settings.taskQueue);
      const note = started.started ? 'started' : 'already exists; following the existing release';
      if (!opts.json) console.error(`${started.workflowId} ${note}`);
      if (!(await hasWorkflowPollers(client, settings.taskQueue))) {
        console.error(`lockstep: no worker polls task queue "${settings.taskQueue}" yet; the release waits until one does (start one with \`lockstep worker\`)`);
      }
      if (!opts.wait && !opts.follow) {
        if (opts.json) console.log(JSON.stringify({ workflowId: started.workflowId, releaseId: started.releaseId, started: started.started }));
        return;
      }
      const report = await waitForReport(started.handle, opts.follow ? (line) => console.error(line) : undefined);
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else if (opts.markdown) console.log(formatReportMarkdown(report));
      else console.log(formatReportText(report));
      process.exitCode = EXIT_CODES[report.status as 'Succeeded' | 'RolledBack' | 'Rejected' | 'RollbackFailed'] ?? 1;
    });
}

export async function waitForReport(
  handle: WorkflowHandle<typeof release>,
  onProgress?: (line: string) => void,
): Promise<ReleaseReport> {
  const stopFollowing = onProgress ? followRelease(handle, onProgress) : undefined;
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause as { type?: string; message?: string } | undefined;
      if (cause?.type === 'InvalidManifest') throw new CliError(cause.message ?? 'invalid manifest', EXIT_CODES.invalidInput);
      throw new CliError(`release ${handle.workflowId} did not complete: ${cause?.message ?? err.message}`, EXIT_CODES.RollbackFailed);
    }
    throw err;
  } finally {
    stopFollowing?.();
  }
}
