/**
 * The release's public Temporal names: signals, queries and updates that operators, the CLI
 * and the Temporal CLI/UI use. Importable by clients (definitions only).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReleaseReport } from '../src/release/releaseReport';

export interface AbortRequest {
  reason: string;
}
export interface ApproveRequest {
  gate: string;
  by: string;
}

export const abortSignal = defineSignal<[AbortRequest]>('abort');
export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const approveSignal = defineSignal<[ApproveRequest]>('approve');
export const statusQuery = defineQuery<ReleaseReport>('status');

/** Update forms of the controls, for clients that need an answer (the CLI). */
export const abortUpdate = defineUpdate<string, [AbortRequest]>('abortRelease');
export const approveUpdate = defineUpdate<string, [ApproveRequest]>('approveGate');
