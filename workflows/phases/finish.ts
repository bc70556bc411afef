/**
 * Step 6, the end of every path: the final status, the environment given back, the notifications
 * of the outcome sent (or given up), the handlers of late signals and updates finished, and the
 * report returned.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { NotificationEvent } from '../../src/notifications/notificationFields';
import { compactReport } from '../../src/release/compactReport';
import type { ReleaseReport } from '../../src/release/releaseReport';
import type { ReleaseStatus } from '../../src/release/releaseStatus';
import type { EnvironmentTurn } from '../environmentTurn';
import type { RunState } from '../run/runState';

export async function finish(run: RunState, turn: EnvironmentTurn, status: ReleaseStatus): Promise<ReleaseReport> {
  let report = run.finish(status);
  await turn.free();
  // the outcome is set and the environment free: now tell whoever asked (never failing the release)
  run.notifications.on(status as NotificationEvent);
  await run.notifications.settled();
  if (run.report.data.notifications) report = compactReport(run.report.data);
  await condition(allHandlersFinished);
  return report;
}
