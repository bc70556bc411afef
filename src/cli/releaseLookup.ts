/** Finds one release by the reference an operator typed, connecting with the command's flags. */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { connectClient } from '../temporal/connectClient';
import { temporalSettings } from '../temporal/connectionOptions';
import { normalizeWorkflowId } from '../release/releaseIds';
import { EXIT_CODES } from '../release/releaseStatus';
import type { release } from '../../workflows/release';
import { CliError } from './cliErrors';
import type { ConnectionFlags } from './connectionFlags';

export interface FoundRelease {
  client: Client;
  workflowId: string;
  handle: WorkflowHandle<typeof release>;
  running: boolean;
}

/** `release/<env>/<id>` or `<env>/<id>`; anything else is invalid input (exit 3). */
export function releaseWorkflowId(ref: string): string {
  try {
    return normalizeWorkflowId(ref);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_CODES.invalidInput);
  }
}

export async function findRelease(ref: string, flags: ConnectionFlags): Promise<FoundRelease> {
  const workflowId = releaseWorkflowId(ref);
  const client = await connectClient(temporalSettings(flags));
  const handle = client.workflow.getHandle<typeof release>(workflowId);
  try {
    const running = (await handle.describe()).status.name === 'RUNNING';
    return { client, workflowId, handle, running };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no release ${workflowId}`, EXIT_CODES.invalidInput);
    throw err;
  }
}
