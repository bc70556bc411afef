/**
 * The release's side of the environment lock: ask for the environment, wait in `Queued` for its
 * turn (or be refused with `--no-queue`), and give the environment back when the release ends.
 * Deterministic code only.
 */
import { getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReleaseActivities } from '../activities';
import { lockWorkflowId } from '../src/release/environmentLockIds';
import { freeSignal, turnGrantedSignal, turnQueuedSignal, turnRefusedSignal, type TurnQueued } from './environmentLockMessages';

const { requestEnvironmentTurn } = proxyActivities<ReleaseActivities>({
  summary: 'ask for the environment',
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

export type TurnAnswer = { granted: true } | { granted: false; holder: string };

export class EnvironmentTurn {
  private answer: TurnAnswer | undefined;
  private asked = false;

  constructor(
    private readonly environment: string,
    private readonly releaseId: string,
    /** Called when the release has to wait behind another one. */
    onQueued: (queued: TurnQueued) => void,
  ) {
    setHandler(turnGrantedSignal, () => {
      this.answer ??= { granted: true };
    });
    setHandler(turnRefusedSignal, (refused) => {
      this.answer ??= { granted: false, holder: String(refused?.holder ?? 'another release') };
    });
    setHandler(turnQueuedSignal, (queued) => {
      if (!this.answer) onQueued(queued);
    });
  }

  /** Joins the environment's queue; `queue: false` asks to be refused rather than wait. */
  async request(queue: boolean): Promise<void> {
    const { workflowId, runId } = workflowInfo();
    this.asked = true;
    await requestEnvironmentTurn({ environment: this.environment, releaseId: this.releaseId, workflowId, runId, queue });
  }

  /** The lock's answer, once it came. */
  get result(): TurnAnswer | undefined {
    return this.answer;
  }

  /** Gives the environment back (or leaves the queue). Safe to call when nothing was asked. */
  async free(): Promise<void> {
    if (!this.asked) return;
    const { workflowId, runId, taskQueue } = workflowInfo();
    try {
      await getExternalWorkflowHandle(lockWorkflowId(this.environment, taskQueue)).signal(freeSignal, { workflowId, runId });
    } catch {
      // no lock workflow runs: nothing is held (its watch frees a holder that ended anyway)
    }
  }
}
