/**
 * One release at a time per environment. The lock workflow (id `lock/<environment>`) keeps the
 * holder and a queue in arrival order; releases join with signal-with-start and say when they end.
 * A holder that ends without saying so (terminated, timed out) is noticed by a watch activity, so
 * the environment is never left held by a release that is not running. Deterministic code only.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { ReleaseActivities } from '../activities';
import {
  acquireSignal,
  freeSignal,
  lockStateQuery,
  turnGrantedSignal,
  turnQueuedSignal,
  turnRefusedSignal,
  type AcquireRequest,
  type EnvironmentLockState,
  type LockClaim,
} from './environmentLockMessages';

/** An idle lock ends after this long; the next release starts a new run. */
const IDLE_BEFORE_END = '1 minute';
/** Start a fresh run (carrying holder and queue) before the history grows long. */
const MAX_HISTORY_EVENTS = 2_000;

const { awaitReleaseClosed } = proxyActivities<ReleaseActivities>({
  summary: 'watch the holder until it closes',
  startToCloseTimeout: '3650 days',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
  cancellationType: ActivityCancellationType.TRY_CANCEL,
});

type Answer =
  | { to: LockClaim; signal: typeof turnQueuedSignal; arg: { holder: string; ahead: number } }
  | { to: LockClaim; signal: typeof turnRefusedSignal; arg: { holder: string } };

const sameClaim = (a: LockClaim, b: LockClaim): boolean => a.workflowId === b.workflowId && a.runId === b.runId;

export async function environmentLock(initial: EnvironmentLockState): Promise<void> {
  const state: EnvironmentLockState = { environment: initial.environment, holder: initial.holder, waiting: [...initial.waiting] };
  const answers: Answer[] = [];
  let holderEnded = false;
  let watch: CancellationScope | undefined;

  setHandler(lockStateQuery, () => state);
  setHandler(acquireSignal, (req: AcquireRequest) => {
    if (typeof req?.workflowId !== 'string' || typeof req.runId !== 'string') return;
    // a request repeated by a retried activity changes nothing
    if ((state.holder && sameClaim(state.holder, req)) || state.waiting.some((w) => sameClaim(w, req))) return;
    const first = state.holder ?? state.waiting[0];
    if (first && req.queue === false) {
      answers.push({ to: req, signal: turnRefusedSignal, arg: { holder: first.workflowId } });
      return;
    }
    if (first) {
      answers.push({ to: req, signal: turnQueuedSignal, arg: { holder: first.workflowId, ahead: state.waiting.length + (state.holder ? 1 : 0) } });
    }
    state.waiting.push({ workflowId: req.workflowId, runId: req.runId, queue: req.queue !== false });
  });
  setHandler(freeSignal, (claim: LockClaim) => {
    if (state.holder && sameClaim(state.holder, claim)) holderEnded = true;
    else state.waiting = state.waiting.filter((w) => !sameClaim(w, claim));
  });

  /** Signals a release; false when it has already ended (nothing to tell). */
  async function tell<T>(to: LockClaim, signal: SignalDefinition<[T]>, arg: T): Promise<boolean> {
    try {
      await getExternalWorkflowHandle(to.workflowId, to.runId).signal(signal, arg);
      return true;
    } catch (err) {
      log.info('release ended before it could be told', { to: to.workflowId, error: String(err) });
      return false;
    }
  }

  /** Watches the holder; when it closes without saying so, the environment is freed. */
  function watchHolder(holder: LockClaim): CancellationScope {
    const scope = new CancellationScope();
    void scope.run(() => awaitReleaseClosed(holder)).then(
      () => {
        if (state.holder && sameClaim(state.holder, holder)) holderEnded = true;
      },
      (err: unknown) => {
        if (!isCancellation(err)) log.warn('watch of the holder failed; keeping the environment held', { holder: holder.workflowId, error: String(err) });
      },
    );
    return scope;
  }

  if (state.holder) watch = watchHolder(state.holder);
  for (;;) {
    while (answers.length > 0) {
      const answer = answers.shift()!;
      await tell(answer.to, answer.signal as SignalDefinition<[unknown]>, answer.arg);
    }
    if (state.holder && holderEnded) {
      watch?.cancel();
      watch = undefined;
      state.holder = undefined;
      holderEnded = false;
    }
    if (!state.holder && state.waiting.length > 0) {
      const next = state.waiting.shift()!;
      state.holder = { workflowId: next.workflowId, runId: next.runId };
      holderEnded = false;
      if (await tell(next, turnGrantedSignal, { environment: state.environment })) {
        watch = watchHolder(state.holder);
      } else {
        state.holder = undefined; // it ended while it waited: the next one's turn
        holderEnded = false;
      }
      continue;
    }
    if (!state.holder && state.waiting.length === 0) {
      await condition(() => state.waiting.length > 0 || answers.length > 0, IDLE_BEFORE_END);
      // the queue decides, not the timer: a request may have arrived with the timer
      if (state.waiting.length === 0 && answers.length === 0) return;
      continue;
    }
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) && answers.length === 0 && !holderEnded) {
      watch?.cancel();
      await continueAsNew<typeof environmentLock>({ environment: state.environment, holder: state.holder, waiting: state.waiting });
    }
    await condition(() => answers.length > 0 || holderEnded);
  }
}
