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
  // The SDK decodes the proto enum to a name (START_TO_CLOSE, ...); older code saw its number.
  const byNumber: Record<number, string> = { 1: 'START_TO_CLOSE', 2: 'SCHEDULE_TO_START', 3: 'SCHEDULE_TO_CLOSE', 4: 'HEARTBEAT' };
  const name = typeof type === 'number' ? byNumber[type] : typeof type === 'string' ? type : undefined;
  return name ? name.toLowerCase().replace(/_/g, '-') : 'timeout';
}
