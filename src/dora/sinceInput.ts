/**
 * `lockstep dora --since`: how far back the figures look, as a duration before now (`30d`, `12h`,
 * `1d12h`, as manifests write durations) or an ISO date or time (`2026-11-01`, `2026-11-01T09:00:00Z`).
 * Pure: `now` is given.
 */
import { parseDuration } from '../manifest/duration';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export class InvalidSince extends Error {}

/** The start of the window; throws InvalidSince naming the problem. */
export function sinceInput(text: string, now: Date): Date {
  const ms = parseDuration(text);
  if (ms !== undefined) {
    if (ms === 0) throw new InvalidSince(`--since ${text}: give a duration longer than 0, e.g. 30d`);
    return new Date(now.getTime() - ms);
  }
  const at = ISO_DATE.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) throw new InvalidSince(`--since ${text}: give a duration such as 30d or 12h, or an ISO date such as 2026-11-01`);
  if (at >= now.getTime()) throw new InvalidSince(`--since ${text}: that is not in the past`);
  return new Date(at);
}
