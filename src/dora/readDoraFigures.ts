/**
 * The DORA figures of a window as `lockstep dora` and the demo print them: Temporal's records read
 * (src/dora/doraRecords.ts), then computed (src/dora/doraFigures.ts). `closed` names releases that
 * just ended: visibility lists a close shortly after it, so the records are read again until each is
 * listed (a deadline, then the figures as they are).
 */
import type { Client } from '@temporalio/client';
import { doraFigures, type DoraFigures } from './doraFigures';
import { readDoraRecords, type DoraRecords } from './doraRecords';

export interface DoraReading {
  environment?: string;
  since: Date;
  now?: Date;
  /** Workflow ids to wait for in the list (the demo's releases). */
  closed?: string[];
  closedDeadlineMs?: number;
}

export interface DoraAnswer {
  figures: DoraFigures;
  reportsRead: number;
  truncated: boolean;
}

export async function readDoraFigures(client: Client, reading: DoraReading): Promise<DoraAnswer> {
  const { environment, since, closed = [] } = reading;
  const deadline = Date.now() + (reading.closedDeadlineMs ?? 30_000);
  let read: DoraRecords;
  for (;;) {
    read = await readDoraRecords(client, { since, ...(environment ? { environment } : {}) });
    const listed = new Set(read.records.map((r) => r.workflowId));
    if (closed.every((id) => listed.has(id)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const until = reading.now ?? new Date();
  return {
    figures: doraFigures(read.records, { since: since.toISOString(), until: until.toISOString() }, environment ? [environment] : []),
    reportsRead: read.reportsRead,
    truncated: read.truncated,
  };
}
