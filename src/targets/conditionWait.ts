/**
 * Waiting that an abort cancels: a delay, and polling a condition with a deadline (for things
 * no event announces, such as a process we did not start leaving its process group).
 */
import { abortReason } from './abortReason';

/** Resolves after `ms`; rejects with the abort reason as soon as `signal` fires (the timer is cancelled). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ConditionWaitOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Rejects the wait with its reason when it fires. */
  signal?: AbortSignal;
  /** Called about once a second while waiting. */
  heartbeat?: () => void;
}

/** Polls `condition` until it holds (true) or the timeout passes (false). */
export async function waitUntil(condition: () => boolean, opts: ConditionWaitOptions): Promise<boolean> {
  const pollMs = opts.pollMs ?? 50;
  const deadline = Date.now() + opts.timeoutMs;
  let lastHeartbeat = Date.now();
  for (;;) {
    if (condition()) return true;
    const now = Date.now();
    if (now >= deadline) return false;
    if (opts.heartbeat && now - lastHeartbeat >= 1000) {
      lastHeartbeat = now;
      opts.heartbeat();
    }
    await delay(Math.min(pollMs, deadline - now), opts.signal);
  }
}
