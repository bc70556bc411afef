/**
 * The health gate: consecutive successes, resets, the overall timeout, and cancellation. No test
 * measures how long the gate took: the overall timeout is counted on an injected clock where the
 * number of attempts matters, and waits that should be cut short are made far longer than the
 * test's own timeout, so one that is not cut short fails the test by hanging.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpProbe } from '../../src/probes/http/httpProbe';
import type { HealthProbe, ProbeAttempt } from '../../src/probes/healthProbe';
import { probeUntilHealthy } from '../../src/probes/probeUntilHealthy';
import { StepError } from '../../src/targets/deployTarget';
import { waitFor } from '../support/waitFor';

/** An HTTP server answering a scripted sequence of statuses (the last one repeats); null = never answers. */
async function scriptedServer(statuses: Array<number | null>): Promise<{ url: string; requests: () => number; server: Server }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(requests, statuses.length - 1)]!;
    requests++;
    if (status === null) return;
    res.writeHead(status);
    res.end(status === 200 ? 'ok' : 'not ready');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, requests: () => requests, server };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const httpProbe = (url: string, attemptTimeoutMs = 2000) => createHttpProbe({ url, expectStatus: 200, attemptTimeoutMs });
const never = new AbortController().signal;
const HOUR_MS = 3_600_000;
const gate = (overrides: Partial<{ successThreshold: number; intervalMs: number; timeoutMs: number }> = {}) => ({
  service: 'orders',
  successThreshold: 1,
  intervalMs: 20,
  timeoutMs: 5000,
  ...overrides,
});

/** A probe whose answers are scripted (the last one repeats), for the gate's own logic. */
function scriptedProbe(healthy: boolean[]): HealthProbe {
  let n = 0;
  return {
    async check(): Promise<ProbeAttempt> {
      const ok = healthy[Math.min(n++, healthy.length - 1)]!;
      return { healthy: ok, detail: ok ? `check ${n} ok` : `check ${n} failed`, latencyMs: 1 };
    },
  };
}

test('healthy on the first check with threshold 1', async () => {
  const { url } = await scriptedServer([200]);
  let beats = 0;
  const result = await probeUntilHealthy(httpProbe(url), gate(), { signal: never, heartbeat: () => beats++ });
  expect(result.attempts).toBe(1);
  expect(result.lastDetail).toMatch(/^HTTP 200 from /);
  expect(beats).toBeGreaterThanOrEqual(1);
});

test('needs successThreshold consecutive successes: a flapping service resets the count', async () => {
  const { url, requests } = await scriptedServer([500, 200, 200, 500, 200, 200, 200, 500]);
  const result = await probeUntilHealthy(httpProbe(url), gate({ successThreshold: 3 }), { signal: never, heartbeat: () => undefined });
  expect(result.attempts).toBe(7);
  expect(requests()).toBe(7);
  expect(result.elapsedMs).toBeGreaterThanOrEqual(6 * 20);
});

test('past the overall timeout the step fails with the attempts and the last reason', async () => {
  const { url } = await scriptedServer([500]);
  // each check takes a minute on the gate's clock, whatever the machine's speed: checks at 0, 1
  // and 2 minutes; after the third the 3-minute deadline has come, so there is no fourth
  let now = 0;
  const http = httpProbe(url);
  const checkTakesAMinute: HealthProbe = {
    async check(signal) {
      const attempt = await http.check(signal);
      now += 60_000;
      return attempt;
    },
  };
  const err = (await probeUntilHealthy(checkTakesAMinute, gate({ intervalMs: 100, timeoutMs: 180_000 }), {
    signal: never,
    heartbeat: () => undefined,
    clock: { now: () => now },
  }).catch((e: unknown) => e)) as StepError;
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toMatch(
    /^health probe of orders failed: not healthy after 3m \(3 attempts; last: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/healthz \(expected 200\): not ready\)$/,
  );
});

test('a timeout with some successes at the end says how far it got, and why the last failure failed', async () => {
  // each check takes 100 ms on the gate's clock: ten checks fit in the 1 s timeout
  let now = 0;
  const scripted = scriptedProbe([false, false, true]);
  const checkTakes100ms: HealthProbe = { check: (signal) => ((now += 100), scripted.check(signal)) };
  const err = (await probeUntilHealthy(checkTakes100ms, gate({ successThreshold: 100, intervalMs: 50, timeoutMs: 1000 }), {
    signal: never,
    heartbeat: () => undefined,
    clock: { now: () => now },
  }).catch((e: unknown) => e)) as Error;
  expect(err.message).toMatch(/\(10 attempts, only 8 of 100 consecutive successes; last failure: check 2 failed\)$/);
});

test('a check still hanging at the deadline is cut off there', async () => {
  const { url } = await scriptedServer([null]);
  // the attempt's own timeout is an hour: only the gate's 300 ms deadline can have ended it
  await expect(
    probeUntilHealthy(httpProbe(url, HOUR_MS), gate({ timeoutMs: 300 }), { signal: never, heartbeat: () => undefined }),
  ).rejects.toThrow('health probe of orders failed: not healthy after 300ms (1 attempt; last: attempt 1 did not finish before the timeout)');
});

test('an abort while waiting between attempts ends the gate with the reason, without waiting out the interval', async () => {
  const { url, requests } = await scriptedServer([500]);
  const controller = new AbortController();
  const reason = new Error('release aborted');
  // the interval is an hour: a gate that waited it out would hang the test
  const gateRun = probeUntilHealthy(httpProbe(url), gate({ intervalMs: HOUR_MS, timeoutMs: 2 * HOUR_MS }), {
    signal: controller.signal,
    heartbeat: () => {
      // the first heartbeat comes after the first (failed) attempt, when the wait begins
      if (requests() === 1) controller.abort(reason);
    },
  });
  await expect(gateRun).rejects.toBe(reason);
  expect(requests()).toBe(1);
});

test('an abort during a check ends the gate with the reason, without waiting for the check', async () => {
  const { url, requests } = await scriptedServer([null]);
  const controller = new AbortController();
  const reason = new Error('release aborted');
  // the check and the gate would each run for an hour: only the abort can end them
  const gateRun = probeUntilHealthy(httpProbe(url, HOUR_MS), gate({ timeoutMs: HOUR_MS }), { signal: controller.signal, heartbeat: () => undefined });
  await waitFor(() => requests() > 0, 'the check to reach the server');
  controller.abort(reason);
  await expect(gateRun).rejects.toBe(reason);
});

test('elapsed time comes from the injected clock', async () => {
  let now = 1000;
  const result = await probeUntilHealthy(
    {
      async check() {
        now += 250;
        return { healthy: true, detail: 'ok', latencyMs: 250 };
      },
    },
    gate(),
    { signal: never, heartbeat: () => undefined, clock: { now: () => now } },
  );
  expect(result).toEqual({ attempts: 1, elapsedMs: 250, lastDetail: 'ok' });
});
