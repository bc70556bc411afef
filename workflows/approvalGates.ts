/**
 * Approval gates: named waits before some services. A gate opens when one of its services is
 * ready to start, and passes when an allowed approver approves it. Pure (workflow time passed in).
 */
import type { Gate } from '../src/manifest/schema';
import type { GateReport } from '../src/release/releaseReport';
import type { LiveReport } from './liveReport';
import type { ApproveRequest } from './messages';
import { parseDuration } from '../src/manifest/duration';

export class ApprovalGates {
  private readonly specs: Map<string, Gate>;

  constructor(
    gates: Gate[],
    private readonly report: LiveReport,
    /** Whether an approve signal without `by` is refused (PATCHES.approvalNeedsApprover; always in the phases saga). */
    private readonly refuseAnonymous: () => boolean,
  ) {
    this.specs = new Map(gates.map((g) => [g.name, g]));
  }

  private state(name: string): GateReport | undefined {
    return this.report.data.gates.find((g) => g.name === name);
  }

  /** Gates that still hold back this service. */
  blockingGates(service: string): Gate[] {
    return [...this.specs.values()].filter(
      (g) => g.before.includes(service) && this.state(g.name)!.status !== 'approved',
    );
  }

  /** Marks the gate as waiting for approval; returns its timeout in ms. */
  open(name: string): number {
    const state = this.state(name)!;
    if (state.status === 'waiting') state.status = 'open';
    return parseDuration(this.specs.get(name)!.timeout)!;
  }

  anyOpen(): boolean {
    return this.report.data.gates.some((g) => g.status === 'open');
  }

  /**
   * Throws (refusing the update before it is recorded) when the approval names no gate that can be
   * approved. Someone not on the approvers list passes here: the handler refuses and records it.
   */
  validateApproval(req: ApproveRequest): void {
    if (typeof req?.gate !== 'string' || typeof req?.by !== 'string' || req.by.trim() === '') {
      throw new Error('approve needs {gate, by}');
    }
    const refusal = this.gateRefusal(req);
    if (refusal) throw new Error(refusal);
  }

  private gateRefusal(req: ApproveRequest): string | undefined {
    const spec = this.specs.get(req.gate);
    if (!spec) return `unknown gate "${req.gate}"`;
    const state = this.state(req.gate)!;
    if (state.status === 'approved') return `gate "${req.gate}" was already approved by ${state.approvedBy}`;
    if (state.status === 'timedOut') return `gate "${req.gate}" timed out; the release is rolling back`;
    return undefined;
  }

  private refusal(req: ApproveRequest): string | undefined {
    const refusal = this.gateRefusal(req);
    if (refusal) return refusal;
    const spec = this.specs.get(req.gate)!;
    if (spec.approvers && !spec.approvers.includes(req.by)) {
      return `"${req.by}" may not approve gate "${req.gate}" (approvers: ${spec.approvers.join(', ')})`;
    }
    return undefined;
  }

  /** Applies an approval; a refused one is recorded in the report. Says what happened. */
  approve(req: ApproveRequest, now: Date): { accepted: boolean; message: string } {
    // An approval must say who approves (the update's validator already refuses it; the signal did not).
    if ((typeof req?.by !== 'string' || req.by.trim() === '') && this.refuseAnonymous()) {
      const state = this.state(String(req?.gate ?? ''));
      const reason = 'approve needs {gate, by}: who approves is missing';
      state?.refusals.push({ by: '', at: now.toISOString(), reason });
      return { accepted: false, message: reason };
    }
    const refusal = this.refusal(req ?? { gate: '', by: '' });
    const state = this.state(req?.gate);
    if (refusal) {
      state?.refusals.push({ by: String(req?.by ?? ''), at: now.toISOString(), reason: refusal });
      return { accepted: false, message: refusal };
    }
    state!.status = 'approved';
    state!.approvedBy = req.by;
    state!.approvedAt = now.toISOString();
    return { accepted: true, message: `gate "${req.gate}" approved by ${req.by}` };
  }

  /** Called when the gate's timer fires; true when it was still unapproved (the release must fail). */
  expire(name: string): boolean {
    const state = this.state(name)!;
    if (state.status === 'approved') return false;
    state.status = 'timedOut';
    return true;
  }
}
