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
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { followRelease, followViewFor, type FollowView } from '../followRelease';
import { hasWorkflowPollers, startWorkerHint } from '../../temporal/workerPresence';
import { runLivePlan } from '../runLivePlan';
import type { release } from '../../../workflows/release';
import { statusQuery } from '../../../workflows/messages';
import { readable } from '../../temporal/readablePayload';

interface ReleaseOptions extends ConnectionFlags {
  wait?: boolean;
  follow?: boolean;
  json?: boolean;
  markdown?: boolean;
  taskQueue?: string;
  /** false with --no-queue. */
  queue: boolean;
  dryRun?: boolean;
}

export function registerRelease(program: Command): void {
  withConnectionFlags(
    program
      .command('release')
      .description('start a release from a manifest')
      .argument('<manifest>', 'manifest file (YAML or JSON)')
      .option('--wait', 'wait for the outcome; exit 0 Succeeded, 1 RolledBack/Rejected, 2 RollbackFailed, 3 invalid input, 4 cannot reach Temporal')
      .option('--follow', 'show progress as it happens (implies --wait): on a terminal a table redrawn in place, otherwise one line per change; on stderr')
      .option('--json', 'print JSON: {workflowId, releaseId, started}, or the report with --wait/--follow')
      .option('--markdown', 'print the final report as Markdown (with --wait)')
      .option('--no-queue', 'when another release holds the environment, end Rejected at once instead of waiting for its turn (Queued)')
      .option('--task-queue <name>', 'task queue (default $LOCKSTEP_TASK_QUEUE or lockstep)')
      .option('--dry-run', 'start nothing: run the preflight on a worker and print what the release would do (the same as `lockstep plan --live`)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lockstep release examples/checkout.yaml --wait\n  $ lockstep release examples/checkout.yaml --follow --address my-ns.a1b2c.tmprl.cloud:7233 --namespace my-ns.a1b2c',
    )
    .action(async (file: string, opts: ReleaseOptions) => {
      if (opts.dryRun) return runLivePlan(file, opts);
      const loaded = loadManifest(file);
      const settings = temporalSettings(opts);
      const client = await connectClient(settings);
      // --no-queue asks for an answer now; with no worker there is none: refuse before starting anything
      if (!opts.queue && !(await hasWorkflowPollers(client, settings.taskQueue))) {
        throw new CliError(`refused (--no-queue): no worker polls task queue "${settings.taskQueue}", so the release could not start now; nothing was started; ${startWorkerHint(settings.taskQueue)}`, EXIT_CODES.unreachable);
      }
      const started = await startRelease(client, loaded, settings.taskQueue, { queue: opts.queue });
      const note = started.started ? 'started' : 'already exists; following the existing release';
      if (!opts.json) console.error(`${started.workflowId} ${note}`);
      if (!(await hasWorkflowPollers(client, settings.taskQueue))) {
        console.error(`lockstep: no worker polls task queue "${settings.taskQueue}" yet; the release waits until one does; ${startWorkerHint(settings.taskQueue)}`);
      }
      if (!opts.wait && !opts.follow) {
        // --no-queue is answered at once: wait for the lock's answer, not for the release
        if (!opts.queue && started.started) await refusalOf(started.handle);
        if (opts.json) console.log(JSON.stringify({ workflowId: started.workflowId, releaseId: started.releaseId, started: started.started }));
        return;
      }
      const report = await waitForReport(started.handle, opts.follow ? followViewFor(process.stderr) : undefined);
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else if (opts.markdown) console.log(formatReportMarkdown(report));
      else console.log(formatReportText(report));
      process.exitCode = EXIT_CODES[report.status as 'Succeeded' | 'RolledBack' | 'Rejected' | 'RollbackFailed'] ?? 1;
    });
}

/** Waits (up to a minute) until the release got its environment or was refused; a refusal is exit 1. */
async function refusalOf(handle: WorkflowHandle<typeof release>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const report = await handle.query(statusQuery).catch(() => undefined);
    if (report && report.status !== 'Pending') {
      if (report.status === 'Rejected' && report.firstError?.step === 'queue') throw new CliError(`refused: ${report.firstError.message}`, EXIT_CODES.Rejected);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CliError(`${handle.workflowId} got no answer from its environment's lock within a minute; is a worker running? (lockstep worker)`, 1);
}

export async function waitForReport(handle: WorkflowHandle<typeof release>, view?: FollowView): Promise<ReleaseReport> {
  const stopFollowing = view ? followRelease(handle, view) : undefined;
  try {
    const report = readable(await handle.result(), `the report of ${handle.workflowId}`);
    stopFollowing?.();
    view?.end(report);
    return report;
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
