/**
 * Starts a release workflow from a loaded manifest. Idempotent: starting a release id that
 * already exists with the same manifest returns the existing release instead of starting another;
 * with a different manifest it is refused (`ReleaseIdInUse`), so a reused id never reports another
 * manifest's outcome as this one's.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { LoadedManifest } from '../manifest/loadManifest';
import { LockstepEnvironment, LockstepReleaseId, LockstepServices, LockstepStatus, servicesSearchValue } from '../temporal/searchAttributes';
import { generateReleaseId, workflowIdFor } from './releaseIds';
import type { release } from '../../workflows/release';
import { manifestDifferences } from './manifestDifferences';
import { readStartedManifest } from './startedManifest';
import { versionsMemo } from './releaseMemo';

const MAX_DIFFERENCES_SHOWN = 8;

/** A release id already taken by a release of another manifest; nothing was started or touched. */
export class ReleaseIdInUse extends Error {
  constructor(
    readonly workflowId: string,
    readonly differences: string[],
  ) {
    const shown = differences.slice(0, MAX_DIFFERENCES_SHOWN);
    const more = differences.length - shown.length;
    super(
      `refused: ${workflowId} already exists with a different manifest; nothing was started:\n${shown.map((d) => `  - ${d}`).join('\n')}${
        more > 0 ? `\n  - and ${more} more` : ''
      }\ngive this release a new metadata.id (or leave it out for a generated one)`,
    );
    this.name = 'ReleaseIdInUse';
  }
}

export interface StartedRelease {
  handle: WorkflowHandle<typeof release>;
  workflowId: string;
  releaseId: string;
  /** False when a release with this id already existed and was returned instead. */
  started: boolean;
}

export interface StartOptions {
  /** false: the release is refused when its environment is busy instead of waiting its turn. */
  queue?: boolean;
}

export async function startRelease(client: Client, loaded: LoadedManifest, taskQueue: string, opts: StartOptions = {}): Promise<StartedRelease> {
  const { manifest } = loaded;
  const releaseId = manifest.metadata.id ?? generateReleaseId();
  const environment = manifest.metadata.environment;
  const workflowId = workflowIdFor(environment, releaseId);
  const services = manifest.spec.services;
  const summary = `${environment}: ${services
    .slice(0, 6)
    .map((s) => `${s.name}@${s.version}`)
    .join(', ')}${services.length > 6 ? ` and ${services.length - 6} more` : ''}`;
  try {
    const handle = await client.workflow.start<typeof release>('release', {
      taskQueue,
      workflowId,
      args: [{ manifest: loaded.input, baseDir: loaded.baseDir, releaseId, ...(opts.queue === false ? { queue: false } : {}) }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // A workflow task of a release of thousands of services (a wave of completions, or a replay of
      // its whole history on another worker) can outlast the default 10 s on a busy machine; every
      // retry would then replay again and time out again.
      workflowTaskTimeout: workflowTaskTimeoutFor(services.length),
      staticSummary: summary.slice(0, 400),
      staticDetails: `Release **${releaseId}** to **${environment}** from \`${loaded.file}\`\n\n${services
        .map((s) => `- ${s.name} → ${s.version}${s.dependsOn.length ? ` (after ${s.dependsOn.join(', ')})` : ''}`)
        .join('\n')}`.slice(0, 20_000),
      // read by `lockstep list`, `history` and `dora` from visibility (the static summary is not listed)
      memo: { ...versionsMemo(services), ...(manifest.metadata.source ? { source: manifest.metadata.source } : {}) },
      typedSearchAttributes: [
        { key: LockstepReleaseId, value: releaseId },
        { key: LockstepEnvironment, value: environment },
        { key: LockstepServices, value: servicesSearchValue(services.map((s) => s.name)) },
        { key: LockstepStatus, value: 'Pending' },
      ],
    });
    return { handle, workflowId, releaseId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const existing = await readStartedManifest(client, workflowId);
      const differences = existing
        ? manifestDifferences(existing, { manifest: loaded.input, baseDir: loaded.baseDir })
        : ['the existing workflow was not started with a release manifest'];
      if (differences.length > 0) throw new ReleaseIdInUse(workflowId, differences);
      return { handle: client.workflow.getHandle<typeof release>(workflowId), workflowId, releaseId, started: false };
    }
    throw err;
  }
}

/** 10 s up to 330 services, then 30 ms per service, at most 60 s (a dead worker's task waits this long). */
export function workflowTaskTimeoutFor(services: number): number {
  return Math.min(60_000, Math.max(10_000, services * 30));
}
