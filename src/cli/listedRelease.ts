/**
 * One release as Temporal's visibility lists it: status, times, versions and first error, read
 * from the list row alone (search attributes, start/close time, memo), so a listing of many
 * releases is one list call and never asks a worker.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { FINAL_STATUSES } from '../release/releaseStatus';
import { readReleaseMemo } from '../release/releaseMemo';
import { LockstepServices, LockstepStatus } from '../temporal/searchAttributes';

export interface ListedRelease {
  workflowId: string;
  status: string;
  startTime: string;
  /** Absent while the release runs. */
  closeTime?: string;
  /** Start to close; while it runs, start to now. */
  durationMs: number;
  running: boolean;
  /** Service names (as many as the search attribute holds). */
  services: string[];
  /** Service to version; absent for releases started before Lockstep recorded it. */
  versions?: Record<string, string>;
  /** Services of a huge release whose versions were not recorded. */
  versionsLeftOut?: number;
  /** "<service> <step>: <message>" of the first failure, for releases that failed. */
  firstError?: string;
}

/**
 * A release stopped from outside (terminated, timed out) keeps the LockstepStatus it last had;
 * its execution status says more: "Terminated (was AwaitingApproval)".
 */
export function listedStatus(status: string | undefined, execution: string): string {
  if (execution === 'RUNNING' || (status && (FINAL_STATUSES as readonly string[]).includes(status))) return status ?? execution;
  const closed = execution.charAt(0) + execution.slice(1).toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase());
  return status ? `${closed} (was ${status})` : closed;
}

export function listedRelease(wf: WorkflowExecutionInfo, now: Date = new Date()): ListedRelease {
  const memo = readReleaseMemo(wf.memo);
  const running = wf.status.name === 'RUNNING';
  const end = wf.closeTime ?? now;
  return {
    workflowId: wf.workflowId,
    status: listedStatus(wf.typedSearchAttributes.get(LockstepStatus), wf.status.name),
    startTime: wf.startTime.toISOString(),
    ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
    durationMs: Math.max(0, end.getTime() - wf.startTime.getTime()),
    running,
    services: wf.typedSearchAttributes.get(LockstepServices) ?? [],
    ...(memo.versions ? { versions: memo.versions } : {}),
    ...(memo.versionsLeftOut ? { versionsLeftOut: memo.versionsLeftOut } : {}),
    ...(memo.outcome?.firstError ? { firstError: memo.outcome.firstError } : {}),
  };
}

/** Newest start first (visibility lists open releases first, then by close time). */
export function newestFirst(a: ListedRelease, b: ListedRelease): number {
  return b.startTime.localeCompare(a.startTime);
}

/** The releases a visibility query finds (one list call, no worker asked), at most `limit`, newest first. */
export async function listReleases(client: Client, clauses: string[], limit: number): Promise<ListedRelease[]> {
  const rows: ListedRelease[] = [];
  for await (const wf of client.workflow.list({ query: ['WorkflowType = "release"', ...clauses].join(' AND '), pageSize: limit })) {
    rows.push(listedRelease(wf));
    if (rows.length >= limit) break;
  }
  return rows.sort(newestFirst);
}
