/**
 * The environment lock's Temporal names: what a release sends the lock workflow and what the lock
 * answers. Definitions only, importable by activities and clients.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One release asking for, or holding, its environment. */
export interface LockClaim {
  workflowId: string;
  runId: string;
}

export interface AcquireRequest extends LockClaim {
  /** false: refuse at once when the environment is busy (`release --no-queue`) instead of waiting. */
  queue: boolean;
}

export interface EnvironmentLockState {
  environment: string;
  /** The release that holds the environment now. */
  holder?: LockClaim;
  /** Releases waiting, in arrival order. */
  waiting: AcquireRequest[];
}

/** Sent by a release (through an activity, with signal-with-start) to join the queue. */
export const acquireSignal = defineSignal<[AcquireRequest]>('acquire');
/** Sent by a release when it ends, holding the environment or still waiting. */
export const freeSignal = defineSignal<[LockClaim]>('free');
export const lockStateQuery = defineQuery<EnvironmentLockState>('state');

/** Answers the lock workflow sends to a release. */
export interface TurnGranted {
  environment: string;
}
export interface TurnQueued {
  /** The workflow id of the release that holds the environment. */
  holder: string;
  /** How many releases are ahead, the holder included. */
  ahead: number;
}
export interface TurnRefused {
  holder: string;
}
export const turnGrantedSignal = defineSignal<[TurnGranted]>('environmentGranted');
export const turnQueuedSignal = defineSignal<[TurnQueued]>('environmentQueued');
export const turnRefusedSignal = defineSignal<[TurnRefused]>('environmentBusy');
