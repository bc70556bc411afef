/**
 * The operators' controls of a running release: the `status` query, `pause`/`resume`, `abort`
 * (signal, and update for an answer) and `approve` (signal and update). Each changes the release
 * only through its run state. Returns the abort, which a Temporal cancel request also triggers.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { compactReport } from '../src/release/compactReport';
import type { UndecodablePayload } from '../src/temporal/tolerantPayloadConverter';
import type { ApprovalGates } from './approvalGates';
import { abortSignal, abortUpdate, approveSignal, approveUpdate, pauseSignal, resumeSignal, statusQuery } from './messages';
import type { RunState } from './run/runState';

export function installControls(run: RunState, gates: ApprovalGates): (reason: string) => string {
  setHandler(statusQuery, () => compactReport(run.report.data));

  const abort = (reason: string): string => {
    if (run.ended) return `release already ended ${run.status}`;
    if (run.rollingBack || run.failed) return 'rollback already under way';
    run.report.data.abort = { reason, at: new Date().toISOString() };
    run.fail({ step: 'abort', message: `aborted by operator: ${reason}` });
    return run.touched ? 'abort accepted: rolling back' : 'abort accepted: nothing was touched yet; the release ends Rejected';
  };
  setHandler(abortSignal, (req) => {
    // a payload the worker could not decode says nothing an operator meant: ignore it
    if ((req as unknown as UndecodablePayload)?.undecodablePayload) return;
    abort(String(req?.reason ?? 'no reason given'));
  });
  setHandler(abortUpdate, (req) => abort(req.reason), {
    validator: (req) => {
      if (typeof req?.reason !== 'string' || req.reason.trim() === '') throw new Error('abort needs a non-empty reason');
      if (run.ended) throw new Error(`release already ended ${run.status}`);
    },
  });

  setHandler(pauseSignal, () => run.setPaused(true));
  setHandler(resumeSignal, () => run.setPaused(false));

  setHandler(approveSignal, (req) => {
    gates.approve(req, new Date());
    run.wakeup.poke();
  });
  setHandler(
    approveUpdate,
    (req) => {
      const { accepted, message } = gates.approve(req, new Date());
      run.wakeup.poke();
      // a refusal that passed the validator (someone not on the approvers list) is recorded, then answered
      if (!accepted) throw ApplicationFailure.nonRetryable(message, 'ApprovalRefused');
      return message;
    },
    { validator: (req) => gates.validateApproval(req) },
  );
  return abort;
}
