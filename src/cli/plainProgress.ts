/** `release --follow` without a terminal (CI, a pipe, TERM=dumb): one plain line per change of the release's or a service's status. */
import type { ReleaseReport } from '../release/releaseReport';
import type { FollowView } from './followRelease';
import { shownOutcome, shownStatus } from '../release/unchangedServices';

export function plainProgress(print: (line: string) => void): FollowView {
  const seen = new Map<string, string>();
  const show = (report: ReleaseReport): void => {
    const release = `release ${report.status}`;
    if (seen.get('') !== release) print(release);
    seen.set('', release);
    for (const s of report.services) {
      const last = s.steps[s.steps.length - 1];
      const line = `${s.name} ${shownStatus(s)}${last ? ` (${last.step} ${shownOutcome(last)}${last.error ? `: ${last.error}` : ''})` : ''}`;
      if (seen.get(s.name) !== line) print(`  ${line}`);
      seen.set(s.name, line);
    }
    for (const c of report.checks ?? []) {
      const line = `check ${c.name} ${c.status}${c.summary && c.status !== 'running' ? `: ${c.summary}` : ''}`;
      const key = `check:${c.name}`;
      if (c.status !== 'pending' && seen.get(key) !== `${line} ${c.runs.length}`) print(`  ${line}`);
      seen.set(key, `${line} ${c.runs.length}`);
    }
  };
  return { update: show, end: show };
}
