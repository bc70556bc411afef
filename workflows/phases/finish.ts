/**
 * Step 6, the end of every path: the final status, the environment given back, the handlers of
 * late signals and updates finished, and the report returned.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { ReleaseReport } from '../../src/release/releaseReport';
import type { ReleaseStatus } from '../../src/release/releaseStatus';
import type { EnvironmentTurn } from '../environmentTurn';
import type { RunState } from '../run/runState';

export async function finish(run: RunState, turn: EnvironmentTurn, status: ReleaseStatus): Promise<ReleaseReport> {
  const report = run.finish(status);
  await turn.free();
  await condition(allHandlersFinished);
  return report;
}
