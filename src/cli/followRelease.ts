/**
 * Follows a running release: polls its `status` query and hands each report to a view, then the
 * final report once it has ended. The view is a table redrawn in place on a terminal, plain lines
 * otherwise (CI, a pipe, TERM=dumb).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { ReleaseReport } from '../release/releaseReport';
import { statusQuery } from '../../workflows/messages';
import { readable } from '../temporal/readablePayload';
import { isLiveTerminal, type TerminalStream } from './liveLines';
import { liveTableView } from './liveTableView';
import { plainProgress } from './plainProgress';

export interface FollowView {
  /** The live report, at each poll. */
  update(report: ReleaseReport): void;
  /** The final report, once the release has ended. */
  end(report: ReleaseReport): void;
}

/** The view for a stream: the live table on a terminal, plain lines elsewhere. */
export function followViewFor(stream: TerminalStream, env: NodeJS.ProcessEnv = process.env): FollowView {
  return isLiveTerminal(stream, env) ? liveTableView(stream) : plainProgress((line) => stream.write(`${line}\n`));
}

/** Starts polling; the returned function stops it (no update reaches the view after that). */
export function followRelease(handle: WorkflowHandle, view: FollowView, intervalMs = 500): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      const report: ReleaseReport = readable(await handle.query(statusQuery), `the report of ${handle.workflowId}`);
      if (!stopped) view.update(report);
    } catch {
      // the release may not have had its first workflow task yet, or has just ended
    }
    if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
