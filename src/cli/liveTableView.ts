/** `release --follow` on a terminal: the follow table (a header and a row per service) redrawn in place at each poll. */
import { followTable } from './followTable';
import { LiveLines, type TerminalStream } from './liveLines';
import type { FollowView } from './followRelease';

export function liveTableView(stream: TerminalStream, now: () => number = Date.now): FollowView {
  const lines = new LiveLines(stream);
  const draw = (report: Parameters<FollowView['update']>[0]): void => lines.draw(followTable(report, now(), lines.width));
  return { update: draw, end: draw };
}
