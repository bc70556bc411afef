/**
 * Completion records: one file per step that has succeeded, keyed by the step's idempotency key,
 * so that a retry of a step whose command already succeeded (its worker died before Temporal heard
 * of it) does not run the command again. Rollbacks need this because, unlike deploys, they cannot
 * trust `current`: a half-applied deploy reads as the version the rollback restores.
 *
 * A step is named by its idempotency key and its workflow run id (`stepKey`): a workflow id can be
 * used again once the earlier run is gone from Temporal, and the later run's rollback must run.
 *
 * Files: `<stateDir>/completed/<sha256 of the step key>.json`, written atomically (temp file + rename)
 * once the command exited 0. Records older than a week are pruned (a step's retries end within its
 * release; releases of one environment are serialised).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { StepContext } from './deployTarget';

export const CompletionRecord = z.object({
  stepKey: z.string(),
  action: z.enum(['deploy', 'rollback']),
  /** The version that ran once the step succeeded ('' = removed). */
  version: z.string(),
  completedAt: z.string(),
});
export type CompletionRecord = z.infer<typeof CompletionRecord>;

const MAX_AGE_MS = 7 * 24 * 60 * 60_000;
const pruned = new Set<string>();

function completionDir(stateDir: string): string {
  return join(stateDir, 'completed');
}

/** What names one step of one workflow run: `<idempotency key>@<run id>`. */
export function stepKey(ctx: Pick<StepContext, 'idempotencyKey' | 'runId'>): string {
  return `${ctx.idempotencyKey}@${ctx.runId ?? ''}`;
}

export function completionRecordPath(stateDir: string, key: string): string {
  return join(completionDir(stateDir), `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
}

/** The record of the step with this key, if it completed here; anything unreadable counts as absent. */
export function readCompletionRecord(stateDir: string, key: string): CompletionRecord | undefined {
  try {
    const parsed = CompletionRecord.safeParse(JSON.parse(readFileSync(completionRecordPath(stateDir, key), 'utf8')));
    return parsed.success && parsed.data.stepKey === key ? parsed.data : undefined;
  } catch {
    return undefined; // absent, or not a record we wrote
  }
}

export function writeCompletionRecord(stateDir: string, record: Omit<CompletionRecord, 'completedAt'>): void {
  const dir = completionDir(stateDir);
  mkdirSync(dir, { recursive: true });
  pruneOnce(dir);
  const path = completionRecordPath(stateDir, record.stepKey);
  const full: CompletionRecord = { ...record, completedAt: new Date().toISOString() };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(full));
  renameSync(temp, path);
}

/** Removes week-old records, once per process and directory (one directory listing). */
function pruneOnce(dir: string): void {
  if (pruned.has(dir)) return;
  pruned.add(dir);
  const cutoff = Date.now() - MAX_AGE_MS;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      if (statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
    } catch {
      // removed meanwhile by another worker
    }
  }
}
