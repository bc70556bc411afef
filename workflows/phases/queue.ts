/**
 * Queue: one release at a time per environment. The release asks the environment's lock for its
 * turn and waits `Queued` behind the holder, or, with `--no-queue`, is refused when it is busy.
 */
import { condition } from '@temporalio/workflow';
import { EnvironmentTurn } from '../environmentTurn';
import type { RunState } from '../run/runState';

export async function takeEnvironmentTurn(run: RunState): Promise<EnvironmentTurn> {
  const turn = new EnvironmentTurn(run.environment, run.input.releaseId, (queued) => {
    run.report.data.queue = { behind: queued.holder, ahead: queued.ahead, since: new Date().toISOString() };
    if (!run.failed) run.setStatus('Queued');
  });
  await turn.request(run.input.queue !== false);
  await condition(() => turn.result !== undefined || run.failed); // an abort while queued ends the wait
  const answer = turn.result;
  if (answer?.granted && run.report.data.queue) run.report.data.queue.grantedAt = new Date().toISOString();
  if (answer && !answer.granted) {
    run.fail({
      step: 'queue',
      message: `environment "${run.environment}" is busy: ${answer.holder} holds it; release without --no-queue to wait for its turn`,
    });
  }
  return turn;
}
