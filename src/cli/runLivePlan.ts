/**
 * `lockstep plan <manifest> --live` and `lockstep release <manifest> --dry-run`: the release's
 * preflight run on a worker (the `planLive` workflow), touching nothing, and what the release
 * would do. Exit 0 when it would start, 1 when its preflight would reject it, 3 for an invalid
 * manifest, 4 when Temporal or a worker is missing (nothing is started then).
 */
import { randomBytes } from 'node:crypto';
import { readable } from '../temporal/readablePayload';
import { WorkflowFailedError } from '@temporalio/client';
import { loadManifest } from '../manifest/loadManifest';
import { formatLivePlan } from '../plan/formatLivePlan';
import type { LivePlan } from '../plan/livePlan';
import { EXIT_CODES } from '../release/releaseStatus';
import { workflowTaskTimeoutFor } from '../release/startRelease';
import { connectClient } from '../temporal/connectClient';
import { temporalSettings } from '../temporal/connectionOptions';
import { hasWorkflowPollers, startWorkerHint } from '../temporal/workerPresence';
import type { planLive } from '../../workflows/planLive';
import { CliError } from './cliErrors';
import type { ConnectionFlags } from './connectionFlags';

export interface LivePlanOptions extends ConnectionFlags {
  json?: boolean;
  taskQueue?: string;
}

/** A plan that outlives this (its worker gone for good) ends by itself rather than wait forever. */
const PLAN_EXECUTION_TIMEOUT = '1h';

/** `plan/<environment>/p-<time>-<random>`: never a release id, so never in a list of releases. */
export function livePlanIds(environment: string, now = new Date()): { planId: string; workflowId: string } {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const planId = `p-${stamp}-${randomBytes(3).toString('hex')}`;
  return { planId, workflowId: `plan/${environment}/${planId}` };
}

export async function runLivePlan(file: string, opts: LivePlanOptions): Promise<void> {
  const loaded = loadManifest(file);
  const settings = temporalSettings(opts);
  const client = await connectClient(settings);
  const { taskQueue } = settings;
  if (!(await hasWorkflowPollers(client, taskQueue))) {
    throw new CliError(
      `no worker polls task queue "${taskQueue}", so nothing can run the preflight of the live plan; nothing was started; ${startWorkerHint(taskQueue)}`,
      EXIT_CODES.unreachable,
    );
  }
  const { planId, workflowId } = livePlanIds(loaded.manifest.metadata.environment);
  const handle = await client.workflow.start<typeof planLive>('planLive', {
    taskQueue,
    workflowId,
    args: [{ manifest: loaded.input, baseDir: loaded.baseDir, planId }],
    workflowExecutionTimeout: PLAN_EXECUTION_TIMEOUT,
    // as a release's: a plan of thousands of services has workflow tasks as large
    workflowTaskTimeout: workflowTaskTimeoutFor(loaded.manifest.spec.services.length),
    staticSummary: `live plan of ${loaded.manifest.metadata.environment} from ${loaded.file}`.slice(0, 400),
  });
  if (!opts.json) console.error(`${workflowId}: a worker on task queue "${taskQueue}" runs the preflight (nothing is touched); waiting for its verdict`);
  let plan: LivePlan;
  try {
    plan = readable(await handle.result(), `the plan ${handle.workflowId}`);
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause as { type?: string; message?: string } | undefined;
    if (cause?.type === 'InvalidManifest') throw new CliError(cause.message ?? 'invalid manifest', EXIT_CODES.invalidInput);
    throw new CliError(`the live plan ${workflowId} did not complete: ${cause?.message ?? err.message}; ${startWorkerHint(taskQueue)}`, EXIT_CODES.unreachable);
  }
  console.log(opts.json ? JSON.stringify(plan, null, 2) : formatLivePlan(plan));
  process.exitCode = plan.wouldStart ? EXIT_CODES.Succeeded : EXIT_CODES.Rejected;
}
