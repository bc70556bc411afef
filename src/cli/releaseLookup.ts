/** Finds one release by the reference an operator typed, connecting with the command's flags. */
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { ReleaseReport } from '../release/releaseReport';
import { statusQuery } from '../../workflows/messages';
import { readable } from '../temporal/readablePayload';
import { connectClient } from '../temporal/connectClient';
import { temporalSettings } from '../temporal/connectionOptions';
import { normalizeWorkflowId } from '../release/releaseIds';
import { EXIT_CODES } from '../release/releaseStatus';
import type { release } from '../../workflows/release';
import { CliError } from './cliErrors';
import type { ConnectionFlags } from './connectionFlags';
import { QUERY_DEADLINE_MS, askWorker } from './workerAnswer';

export interface FoundRelease {
  client: Client;
  workflowId: string;
  handle: WorkflowHandle<typeof release>;
  /** The workflow's execution status: RUNNING, COMPLETED, TERMINATED, … */
  execution: string;
  running: boolean;
  /** The task queue its workflow runs on: where a worker must poll to answer for it. */
  taskQueue: string;
  /** What Temporal itself knows of it (start, search attributes, pending tasks). */
  description: WorkflowExecutionDescription;
}

/** `release/<env>/<id>` or `<env>/<id>`; anything else is invalid input (exit 3). */
export function releaseWorkflowId(ref: string): string {
  try {
    return normalizeWorkflowId(ref);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_CODES.invalidInput);
  }
}

/**
 * The report of a found release: live while it runs, its result once it ended. A release stopped
 * from outside (terminated, timed out) has no result: its last report is read (replayed by a
 * worker) and marked `closedAs`. With no worker to answer the query, a `NoWorkerAnswer` within
 * seconds (src/cli/workerAnswer.ts).
 */
export async function reportOf(found: FoundRelease): Promise<ReleaseReport> {
  const what = `the report of ${found.workflowId}`;
  const query = async () => readable(await askWorker(found, 'answer the status query', QUERY_DEADLINE_MS, () => found.handle.query(statusQuery)), what);
  if (found.running) return query();
  try {
    return readable(await found.handle.result(), what);
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const { execution } = found;
    const reason = err.cause?.message || undefined;
    const last = await query().catch(() => undefined);
    if (!last) {
      throw new CliError(`release ${found.workflowId} ended ${execution}${reason ? ` (${reason})` : ''}; its last report cannot be read (is a worker running?)`, 1);
    }
    return { ...last, closedAs: { execution, reason } };
  }
}

export async function findRelease(ref: string, flags: ConnectionFlags): Promise<FoundRelease> {
  const workflowId = releaseWorkflowId(ref);
  const client = await connectClient(temporalSettings(flags));
  const handle = client.workflow.getHandle<typeof release>(workflowId);
  try {
    const description = await handle.describe();
    const execution = description.status.name;
    return { client, workflowId, handle, execution, running: execution === 'RUNNING', taskQueue: description.taskQueue, description };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no release ${workflowId}`, EXIT_CODES.invalidInput);
    throw err;
  }
}
