/**
 * The four DORA figures of each environment (and the rollback time), from ended releases as
 * Temporal recorded them. Pure: records in, figures out (src/dora/doraRecords.ts reads the records).
 *
 * - deployment frequency: Succeeded releases in the window, per day and per week of it;
 * - lead time for changes: `metadata.source.committedAt` to the close of a Succeeded release
 *   (releases without a source are counted, not measured);
 * - change failure rate: (RolledBack + RollbackFailed) / (Succeeded + RolledBack + RollbackFailed).
 *   A Rejected release touched nothing, so it is no change: it is left out of the rate and counted.
 *   A release stopped from outside (terminated, timed out) has no outcome: left out and counted;
 * - time to restore: a RolledBack release's first error to its end (RolledBack), from its report;
 * - rollback time: a RolledBack release's rollback, its start to RolledBack (`totals.rollbackMs`).
 * Durations are p50 and p95 by nearest rank (src/dora/nearestRank.ts).
 */
import type { RestoreRecord } from './failureMoment';
import { nearestRank } from './nearestRank';

const DAY_MS = 86_400_000;

/** An ended release, as the figures need it. */
export interface DoraRelease {
  workflowId: string;
  environment: string;
  /** Succeeded, RolledBack, RollbackFailed, Rejected, or how it was stopped ("Terminated (was Deploying)"). */
  status: string;
  closedAt: string;
  /** `metadata.source.committedAt`, from the memo written at start. */
  committedAt?: string;
  /** Of a RolledBack release whose report was read. */
  restore?: RestoreRecord;
}

export interface DoraWindow {
  since: string;
  until: string;
}

export interface DurationFigures {
  /** How many durations the percentiles are of. */
  measured: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface EnvironmentFigures {
  environment: string;
  releases: { ended: number; succeeded: number; rolledBack: number; rollbackFailed: number; rejected: number; stoppedFromOutside: number };
  deploymentFrequency: { deployments: number; days: number; perDay: number; perWeek: number };
  /** `withoutSource`: Succeeded releases whose manifest had no `metadata.source`. */
  leadTime: DurationFigures & { withoutSource: number };
  /** `rate` is null when there was no change; `rejectedLeftOut` and `stoppedLeftOut` are not in it. */
  changeFailureRate: { failed: number; changes: number; rate: number | null; rejectedLeftOut: number; stoppedLeftOut: number };
  /** `notMeasured`: RolledBack releases whose report was not read. */
  timeToRestore: DurationFigures & { notMeasured: number };
  rollbackTime: DurationFigures;
}

export interface DoraFigures extends DoraWindow {
  days: number;
  environments: EnvironmentFigures[];
}

function durations(values: number[]): DurationFigures {
  return { measured: values.length, p50Ms: nearestRank(values, 50) ?? null, p95Ms: nearestRank(values, 95) ?? null };
}

const between = (from: string, to: string): number => Date.parse(to) - Date.parse(from);

function environmentFigures(environment: string, releases: DoraRelease[], days: number): EnvironmentFigures {
  const withStatus = (status: string) => releases.filter((r) => r.status === status);
  const succeeded = withStatus('Succeeded');
  const rolledBack = withStatus('RolledBack');
  const rollbackFailed = withStatus('RollbackFailed');
  const rejected = withStatus('Rejected').length;
  const stopped = releases.length - succeeded.length - rolledBack.length - rollbackFailed.length - rejected;
  const failed = rolledBack.length + rollbackFailed.length;
  const changes = succeeded.length + failed;
  const sourced = succeeded.filter((r) => r.committedAt !== undefined);
  const restored = rolledBack.flatMap((r) => (r.restore ? [r.restore] : []));
  return {
    environment,
    releases: { ended: releases.length, succeeded: succeeded.length, rolledBack: rolledBack.length, rollbackFailed: rollbackFailed.length, rejected, stoppedFromOutside: stopped },
    deploymentFrequency: {
      deployments: succeeded.length,
      days,
      perDay: days > 0 ? succeeded.length / days : 0,
      perWeek: days > 0 ? (succeeded.length / days) * 7 : 0,
    },
    // a commit time after the release closed (a clock or a manifest that is wrong) counts as 0
    leadTime: { ...durations(sourced.map((r) => Math.max(0, between(r.committedAt!, r.closedAt)))), withoutSource: succeeded.length - sourced.length },
    changeFailureRate: { failed, changes, rate: changes > 0 ? failed / changes : null, rejectedLeftOut: rejected, stoppedLeftOut: stopped },
    timeToRestore: { ...durations(restored.map((r) => Math.max(0, between(r.failedAt, r.restoredAt)))), notMeasured: rolledBack.length - restored.length },
    rollbackTime: durations(restored.flatMap((r) => (r.rollbackMs !== undefined ? [r.rollbackMs] : []))),
  };
}

/**
 * The figures of the releases that closed from `since` to `until`, for every environment with one
 * (by name) and for each of `environments` even without one (all zeros).
 */
export function doraFigures(records: readonly DoraRelease[], window: DoraWindow, environments: readonly string[] = []): DoraFigures {
  const days = Math.max(0, between(window.since, window.until)) / DAY_MS;
  const inWindow = records.filter((r) => between(window.since, r.closedAt) >= 0 && between(r.closedAt, window.until) >= 0);
  const names = [...new Set([...environments, ...inWindow.map((r) => r.environment)])].sort();
  return {
    ...window,
    days,
    environments: names.map((name) => environmentFigures(name, inWindow.filter((r) => r.environment === name), days)),
  };
}
