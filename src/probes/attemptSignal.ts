/** The signal of one probe attempt: aborts when the caller's signal does or when the attempt's time is up. */
export interface AttemptSignal {
  signal: AbortSignal;
  /** True when the attempt's own time ran out (not the caller's signal). */
  timedOut(): boolean;
  /** Cancels the timer and unlinks from the caller's signal; call when the attempt ends. */
  dispose(): void;
}

export function attemptSignal(parent: AbortSignal, timeoutMs: number): AttemptSignal {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    const reason = new Error(`attempt timed out after ${timeoutMs}ms`);
    reason.name = 'TimeoutError';
    controller.abort(reason);
  }, Math.max(0, timeoutMs));
  return {
    signal: controller.signal,
    timedOut: () => expired && !parent.aborted,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
