/** Reading Temporal failures of a release's steps into report text. Pure. */
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import type { StepFailureDetails } from '../activities/stepInputs';

export interface StepFailureInfo {
  message: string;
  attempts?: number;
  stdoutTail?: string;
  stderrTail?: string;
  cancelled: boolean;
}

export function describeStepFailure(err: unknown): StepFailureInfo {
  if (isCancellation(err)) return { message: 'cancelled', cancelled: true };
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as StepFailureDetails | undefined;
    return {
      message: cause.message,
      attempts: details?.attempt,
      stdoutTail: details?.stdoutTail || undefined,
      stderrTail: details?.stderrTail || undefined,
      cancelled: false,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { message: `step timed out (${timeoutName(cause.timeoutType)})`, cancelled: false };
  }
  return { message: cause instanceof Error ? cause.message : String(cause), cancelled: false };
}

function timeoutName(type: unknown): string {
  // TimeoutType is a proto enum: 1 start-to-close, 2 schedule-to-start, 3 schedule-to-close, 4 heartbeat
  const names: Record<number, string> = { 1: 'start-to-close', 2: 'schedule-to-start', 3: 'schedule-to-close', 4: 'heartbeat' };
  return names[Number(type)] ?? 'timeout';
}
