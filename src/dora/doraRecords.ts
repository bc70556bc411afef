/**
 * The records `lockstep dora` computes from, all Temporal's own: one visibility list call for the
 * releases that closed in the window (search attributes LockstepEnvironment and LockstepStatus, the
 * close time, the memo's `source` written at start), then the result (the report) of only the
 * RolledBack ones, the newest `maxReports` per environment, for the time to restore and the rollback
 * time. No worker is asked and nothing else is stored.
 */
import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { isUndecodable } from '../temporal/readablePayload';
import { listedStatus } from '../cli/listedRelease';
import { readReleaseMemo } from '../release/releaseMemo';
import type { ReleaseReport } from '../release/releaseReport';
import { LockstepEnvironment, LockstepStatus } from '../temporal/searchAttributes';
import type { DoraRelease } from './doraFigures';
import { restoreRecord } from './failureMoment';

/** Reports read per environment (the newest RolledBack releases); the others are counted as not measured. */
export const MAX_REPORTS_PER_ENVIRONMENT = 50;
/** Releases listed at most; beyond, the figures are of the newest this many and say so. */
export const MAX_LISTED = 10_000;
const PARALLEL_READS = 4;

export interface DoraRecords {
  records: DoraRelease[];
  /** How many reports (workflow results) were read. */
  reportsRead: number;
  /** True when more than MAX_LISTED releases closed in the window. */
  truncated: boolean;
}

export interface DoraQuery {
  environment?: string;
  since: Date;
  maxReports?: number;
}

/** The visibility query: releases (of an environment) closed since the window's start. */
export function doraListQuery({ environment, since }: DoraQuery): string {
  return ['WorkflowType = "release"', `CloseTime >= "${since.toISOString()}"`, ...(environment ? [`LockstepEnvironment = "${environment}"`] : [])].join(' AND ');
}

function doraRelease(wf: WorkflowExecutionInfo): DoraRelease | undefined {
  const environment = wf.typedSearchAttributes.get(LockstepEnvironment);
  if (!environment || !wf.closeTime || wf.status.name === 'RUNNING') return undefined;
  const committedAt = readReleaseMemo(wf.memo).source?.committedAt;
  return {
    workflowId: wf.workflowId,
    environment,
    status: listedStatus(wf.typedSearchAttributes.get(LockstepStatus), wf.status.name),
    closedAt: wf.closeTime.toISOString(),
    ...(committedAt ? { committedAt } : {}),
  };
}

async function readReport(client: Client, workflowId: string, runId: string): Promise<ReleaseReport | undefined> {
  try {
    const report: unknown = await client.workflow.getHandle(workflowId, runId).result();
    return isUndecodable(report) ? undefined : (report as ReleaseReport); // encrypted with a key this client lacks: not measured
  } catch (err) {
    if (err instanceof WorkflowFailedError) return undefined; // it did not complete: no report, not measured
    throw err;
  }
}

export async function readDoraRecords(client: Client, query: DoraQuery): Promise<DoraRecords> {
  const maxReports = query.maxReports ?? MAX_REPORTS_PER_ENVIRONMENT;
  const listed: { record: DoraRelease; runId: string }[] = [];
  let truncated = false;
  for await (const wf of client.workflow.list({ query: doraListQuery(query), pageSize: 1000 })) {
    if (listed.length >= MAX_LISTED) {
      truncated = true;
      break;
    }
    const record = doraRelease(wf);
    if (record) listed.push({ record, runId: wf.runId });
  }
  // the newest RolledBack releases of each environment have their report read
  const toRead: { record: DoraRelease; runId: string }[] = [];
  const perEnvironment = new Map<string, number>();
  const newestFirst = [...listed].sort((a, b) => b.record.closedAt.localeCompare(a.record.closedAt));
  for (const entry of newestFirst) {
    if (entry.record.status !== 'RolledBack') continue;
    const taken = perEnvironment.get(entry.record.environment) ?? 0;
    if (taken >= maxReports) continue;
    perEnvironment.set(entry.record.environment, taken + 1);
    toRead.push(entry);
  }
  let next = 0;
  let reportsRead = 0;
  const reader = async (): Promise<void> => {
    while (next < toRead.length) {
      const entry = toRead[next++]!;
      const report = await readReport(client, entry.record.workflowId, entry.runId);
      if (!report) continue;
      reportsRead++;
      const restore = restoreRecord(report);
      if (restore) entry.record.restore = restore;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, toRead.length) }, reader));
  return { records: newestFirst.map((e) => e.record), reportsRead, truncated };
}
