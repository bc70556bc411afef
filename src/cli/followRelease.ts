/** Prints a release's progress as plain lines: one per change of the release's or a service's status. */
import type { WorkflowHandle } from '@temporalio/client';
import type { ReleaseReport } from '../release/releaseReport';
import { statusQuery } from '../../workflows/messages';

export function followRelease(handle: WorkflowHandle, print: (line: string) => void, intervalMs = 500): () => void {
  const seen = new Map<string, string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      const report: ReleaseReport = await handle.query(statusQuery);
      const release = `release ${report.status}`;
      if (seen.get('') !== release) print(release);
      seen.set('', release);
      for (const s of report.services) {
        const last = s.steps[s.steps.length - 1];
        const line = `${s.name} ${s.status}${last ? ` (${last.step} ${last.outcome}${last.error ? `: ${last.error}` : ''})` : ''}`;
        if (seen.get(s.name) !== line) print(`  ${line}`);
        seen.set(s.name, line);
      }
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
