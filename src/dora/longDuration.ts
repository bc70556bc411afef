/**
 * A duration as `lockstep dora` prints it: lead times run to days, so beyond an hour it reads `2h5m`,
 * beyond a day `3d4h` (below an hour as everywhere else: `1m30s`, `1.5s`). Pure.
 */
import { formatDuration } from '../manifest/duration';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function longDuration(ms: number): string {
  if (ms < HOUR_MS) return formatDuration(ms);
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    const minutes = Math.round((ms % HOUR_MS) / 60_000);
    return minutes === 60 ? `${hours + 1}h` : minutes ? `${hours}h${minutes}m` : `${hours}h`;
  }
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.round((ms % DAY_MS) / HOUR_MS);
  return hours === 24 ? `${days + 1}d` : hours ? `${days}d${hours}h` : `${days}d`;
}
