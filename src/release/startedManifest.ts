/**
 * The manifest an existing release was started with, read from the input of its workflow's first
 * history event (WorkflowExecutionStarted) and decoded with the client's data converter. The
 * history is the one record every release has, whatever version of Lockstep started it.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { ReleaseInput } from '../../workflows/release';
import type { StartedManifest } from './manifestDifferences';

export async function readStartedManifest(client: Client, workflowId: string): Promise<StartedManifest | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) return undefined;
  const input = await decodeFromPayloadsAtIndex<ReleaseInput | undefined>(client.options.loadedDataConverter, 0, started.input?.payloads);
  if (!input || typeof input !== 'object' || !input.manifest) return undefined;
  return { manifest: input.manifest, baseDir: input.baseDir };
}
