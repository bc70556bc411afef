/**
 * The health gate: check every interval until `successThreshold` consecutive successes; a failure
 * resets the count; when the overall timeout passes the step fails with the last reason. Waiting
 * between attempts, and an attempt in flight, end as soon as the signal fires.
 */
import { formatDuration } from '../manifest/duration';
import { abortReason, throwIfAborted } from '../targets/abortReason';
import { delay } from '../targets/conditionWait';
import { StepError } from '../targets/deployTarget';
import { attemptSignal } from './attemptSignal';
import type { HealthProbe, ProbeAttempt } from './healthProbe';

export interface HealthGate {
  /** Named in the error message. */
  service: string;
  successThreshold: number;
  intervalMs: number;
  timeoutMs: number;
}

export interface HealthGateContext {
  signal: AbortSignal;
  /** Called after every attempt and about once a second while waiting. */
  heartbeat: (details?: unknown) => void;
  /** Measures elapsed time (monotonic); default `performance.now`. */
  clock?: { now(): number };
}

export interface HealthGateResult {
  attempts: number;
  elapsedMs: number;
  lastDetail: string;
}

const HEARTBEAT_MS = 1000;

export async function probeUntilHealthy(
  probe: HealthProbe,
  gate: HealthGate,
  ctx: HealthGateContext,
): Promise<HealthGateResult> {
  const clock = ctx.clock ?? performance;
  const started = clock.now();
  const deadline = started + gate.timeoutMs;
  const threshold = Math.max(1, gate.successThreshold);
  let attempts = 0;
  let consecutive = 0;
  let lastDetail = '';
  let lastFailure: string | undefined;
  const heartbeatTimer = setInterval(() => {
    try {
      ctx.heartbeat({ attempts, consecutive });
    } catch {
      // a failing heartbeat must not crash the worker from a timer; the next one may succeed
    }
  }, HEARTBEAT_MS);
  try {
    for (;;) {
      throwIfAborted(ctx.signal);
      attempts++;
      const attempt = await checkBefore(probe, ctx.signal, deadline - clock.now());
      if (attempt === 'deadline') {
        lastFailure = lastFailure
          ? `${lastFailure} (attempt ${attempts} was still running at the timeout)`
          : `attempt ${attempts} did not finish before the timeout`;
        consecutive = 0;
        break;
      }
      lastDetail = attempt.detail;
      if (attempt.healthy) {
        consecutive++;
      } else {
        consecutive = 0;
        lastFailure = attempt.detail;
      }
      ctx.heartbeat({ attempts, consecutive, detail: attempt.detail });
      if (consecutive >= threshold) {
        return { attempts, elapsedMs: Math.round(clock.now() - started), lastDetail };
      }
      // the next attempt would start at or after the deadline: the gate has failed
      if (deadline - clock.now() <= gate.intervalMs) break;
      await delay(gate.intervalMs, ctx.signal);
    }
  } finally {
    clearInterval(heartbeatTimer);
  }
  const counted = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const partial = consecutive > 0 ? `, only ${consecutive} of ${threshold} consecutive successes` : '';
  const last = lastFailure ?? lastDetail;
  throw new StepError(
    `health probe of ${gate.service} failed: not healthy after ${formatDuration(gate.timeoutMs)} (${counted}${partial}; last${partial ? ' failure' : ''}: ${last})`,
  );
}

/** One check, cut off at the gate's deadline ('deadline'); rethrows the caller's abort. */
async function checkBefore(probe: HealthProbe, signal: AbortSignal, remainingMs: number): Promise<ProbeAttempt | 'deadline'> {
  const attempt = attemptSignal(signal, remainingMs);
  try {
    return await probe.check(attempt.signal);
  } catch (err) {
    if (signal.aborted) throw abortReason(signal);
    if (attempt.timedOut()) return 'deadline';
    // a probe should not throw for an unhealthy service; if one does, that is its verdict
    return { healthy: false, detail: err instanceof Error ? err.message : String(err), latencyMs: 0 };
  } finally {
    attempt.dispose();
  }
}
