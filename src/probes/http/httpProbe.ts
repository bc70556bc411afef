/** HTTP probe: GET the URL; healthy when the status matches, and the JSON fields, and the latency. */
import { isDeepStrictEqual } from 'node:util';
import { formatDuration } from '../../manifest/duration';
import { fetchFailure } from '../../net/fetchFailure';
import { abortReason } from '../../targets/abortReason';
import { attemptSignal } from '../attemptSignal';
import type { HealthProbe, ProbeAttempt } from '../healthProbe';

export interface HttpProbeOptions {
  url: string;
  expectStatus: number;
  /** Each key must deep-equal the same key of the JSON body. */
  expectJson?: Record<string, unknown>;
  /** Slower answers count as unhealthy. */
  maxLatencyMs?: number;
  /** One attempt's limit; then it counts as unhealthy ("no answer"). */
  attemptTimeoutMs: number;
}

export function createHttpProbe(opts: HttpProbeOptions): HealthProbe {
  const { url } = opts;
  return {
    async check(signal: AbortSignal): Promise<ProbeAttempt> {
      const attempt = attemptSignal(signal, opts.attemptTimeoutMs);
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        // redirects are not followed: the status is the one this URL answers
        const response = await fetch(url, { signal: attempt.signal, redirect: 'manual', headers: { accept: 'application/json, */*' } });
        const body = await response.text();
        const latencyMs = elapsed();
        const unhealthy = (detail: string): ProbeAttempt => ({ healthy: false, detail, latencyMs });
        if (response.status !== opts.expectStatus) {
          const said = firstLine(body);
          return unhealthy(`HTTP ${response.status} from ${url} (expected ${opts.expectStatus})${said ? `: ${said}` : ''}`);
        }
        if (opts.expectJson) {
          const mismatch = jsonMismatch(body, opts.expectJson);
          if (mismatch) return unhealthy(`HTTP ${response.status} from ${url}, but ${mismatch}`);
        }
        if (opts.maxLatencyMs !== undefined && latencyMs > opts.maxLatencyMs) {
          return unhealthy(
            `HTTP ${response.status} from ${url} in ${formatDuration(latencyMs)}, slower than maxLatency ${formatDuration(opts.maxLatencyMs)}`,
          );
        }
        return { healthy: true, detail: `HTTP ${response.status} from ${url} in ${formatDuration(latencyMs)}`, latencyMs };
      } catch (err) {
        if (signal.aborted) throw abortReason(signal);
        const latencyMs = elapsed();
        if (attempt.timedOut()) {
          return { healthy: false, detail: `no answer from ${url} within ${formatDuration(opts.attemptTimeoutMs)}`, latencyMs };
        }
        return { healthy: false, detail: `GET ${url} failed: ${fetchFailure(err)}`, latencyMs };
      } finally {
        attempt.dispose();
      }
    },
  };
}

/** Why the body does not match `expected`, or undefined when it does. */
function jsonMismatch(body: string, expected: Record<string, unknown>): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `the body is not JSON: ${JSON.stringify(firstLine(body))}`;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'the body is not a JSON object';
  const fields = json as Record<string, unknown>;
  for (const [key, want] of Object.entries(expected)) {
    if (!(key in fields)) return `"${key}" is missing (expected ${short(want)})`;
    if (!isDeepStrictEqual(fields[key], want)) return `"${key}" is ${short(fields[key])} (expected ${short(want)})`;
  }
  return undefined;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
