/**
 * What Temporal itself knows of a release when no worker can answer for it: the start, the search
 * attributes (LockstepStatus is kept current by the release), the pending workflow task and
 * activities, the task queue, and the services and versions it was started with (from its
 * history's first event). `status` shows this instead of the live report, with what is wrong.
 */
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { readStartedManifest } from '../release/startedManifest';
import { LockstepEnvironment, LockstepReleaseId, LockstepServices, LockstepStatus } from '../temporal/searchAttributes';
import { startWorkerHint } from '../temporal/workerPresence';
import type { FoundRelease } from './releaseLookup';

export interface TemporalRecord {
  workflowId: string;
  /** LockstepStatus as the release last recorded it; `Pending` before it ever ran. */
  status: string;
  /** Always false: this is not the release's own live report. */
  live: false;
  problem: string;
  hint: string;
  execution: string;
  startedAt: string;
  taskQueue: string;
  historyLength: number;
  searchAttributes: { LockstepReleaseId?: string; LockstepEnvironment?: string; LockstepStatus?: string; LockstepServices?: string[] };
  /** As started (name and target version); only names when the started input cannot be read. */
  services: { name: string; version?: string }[];
  pendingWorkflowTask?: { state: string; scheduledAt?: string; startedAt?: string; attempt: number };
  pendingActivities: { activityType: string; state: string; attempt: number; lastFailure?: string }[];
}

/** `PENDING_WORKFLOW_TASK_STATE_SCHEDULED` -> `SCHEDULED`. */
function enumName(names: Record<number, string>, value: number | null | undefined, prefix: string): string {
  return (value === null || value === undefined ? undefined : names[value])?.replace(prefix, '') ?? 'UNKNOWN';
}

const iso = (ts: Parameters<typeof optionalTsToDate>[0]): string | undefined => optionalTsToDate(ts)?.toISOString();

export async function readTemporalRecord(found: FoundRelease, problem: string): Promise<TemporalRecord> {
  const d = found.description;
  const attrs = d.typedSearchAttributes;
  const searchAttributes = {
    LockstepReleaseId: attrs.get(LockstepReleaseId),
    LockstepEnvironment: attrs.get(LockstepEnvironment),
    LockstepStatus: attrs.get(LockstepStatus),
    LockstepServices: attrs.get(LockstepServices),
  };
  const started = await readStartedManifest(found.client, found.workflowId).catch(() => undefined);
  const services = started?.manifest.spec?.services?.map((s) => ({ name: s.name, version: s.version })) ?? (searchAttributes.LockstepServices ?? []).map((name) => ({ name }));
  const task = d.raw.pendingWorkflowTask;
  const { PendingWorkflowTaskState, PendingActivityState } = temporal.api.enums.v1;
  return {
    workflowId: found.workflowId,
    status: searchAttributes.LockstepStatus ?? 'Pending',
    live: false,
    problem,
    hint: startWorkerHint(found.taskQueue),
    execution: found.execution,
    startedAt: d.startTime.toISOString(),
    taskQueue: found.taskQueue,
    historyLength: d.historyLength,
    searchAttributes,
    services,
    ...(task
      ? {
          pendingWorkflowTask: {
            state: enumName(PendingWorkflowTaskState, task.state, 'PENDING_WORKFLOW_TASK_STATE_'),
            scheduledAt: iso(task.scheduledTime),
            startedAt: iso(task.startedTime),
            attempt: task.attempt ?? 1,
          },
        }
      : {}),
    pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
      activityType: a.activityType?.name ?? '?',
      state: enumName(PendingActivityState, a.state, 'PENDING_ACTIVITY_STATE_'),
      attempt: a.attempt ?? 1,
      ...(a.lastFailure?.message ? { lastFailure: a.lastFailure.message } : {}),
    })),
  };
}

export function formatTemporalRecord(r: TemporalRecord): string {
  const attrs = Object.entries(r.searchAttributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  const lines = [
    `release ${r.workflowId}: ${r.status} (as Temporal recorded it; no live report)`,
    `  ${r.problem}; ${r.hint}`,
    `  workflow ${r.execution} since ${r.startedAt} on task queue ${r.taskQueue}, ${r.historyLength} history events`,
    `  search attributes: ${attrs.join(' ') || '(none)'}`,
  ];
  const task = r.pendingWorkflowTask;
  if (task) lines.push(`  pending workflow task: ${task.state}${task.scheduledAt ? ` since ${task.scheduledAt}` : ''}, attempt ${task.attempt}`);
  for (const a of r.pendingActivities) lines.push(`  pending activity ${a.activityType}: ${a.state}, attempt ${a.attempt}${a.lastFailure ? ` (${a.lastFailure})` : ''}`);
  lines.push(`  services (as started): ${r.services.map((s) => (s.version ? `${s.name} ${s.version}` : s.name)).join(', ')}`);
  return lines.join('\n');
}
