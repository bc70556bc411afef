/** The text forms of a listed release's outcome: versions, duration and first error, each short. */
import { formatDuration } from '../manifest/duration';
import type { ListedRelease } from './listedRelease';

const SHOWN_SERVICES = 3;
const FIRST_ERROR_CHARS = 100;

/** "payments@2.0.0, orders@5.1.0 and 4 more"; names alone for releases without recorded versions. */
export function versionsText(r: ListedRelease): string {
  const items = r.versions ? Object.entries(r.versions).map(([name, version]) => `${name}@${version}`) : r.services;
  const total = items.length + (r.versionsLeftOut ?? 0);
  const shown = total > SHOWN_SERVICES + 1 ? items.slice(0, SHOWN_SERVICES) : items;
  return `${shown.join(', ')}${total > shown.length ? ` and ${total - shown.length} more` : ''}`;
}

/** "12.5s", or "running 3m" for a release still open. */
export function durationText(r: ListedRelease): string {
  return r.running ? `running ${formatDuration(r.durationMs)}` : formatDuration(r.durationMs);
}

/** The first error on one line, cut at about a hundred characters. */
export function shortError(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > FIRST_ERROR_CHARS ? `${line.slice(0, FIRST_ERROR_CHARS - 1)}…` : line;
}

/** One line of `lockstep list`. */
export function releaseLine(r: ListedRelease): string {
  const error = r.firstError ? `  first error: ${shortError(r.firstError)}` : '';
  return `${r.startTime}  ${r.status.padEnd(16)} ${r.workflowId}  ${durationText(r)}  (${versionsText(r)})${error}`;
}
