/** The health gate: consecutive successes, resets, the overall timeout, and prompt cancellation. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpProbe } from '../../src/probes/http/httpProbe';
import type { HealthProbe, ProbeAttempt } from '../../src/probes/healthProbe';
import { probeUntilHealthy } from '../../src/probes/probeUntilHealthy';
import { StepError } from '../../src/targets/deployTarget';
import { eventually } from '../targets/processChecks';

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
  const started = Date.now();
  const err = (await probeUntilHealthy(httpProbe(url), gate({ intervalMs: 100, timeoutMs: 500 }), {
    signal: never,
    heartbeat: () => undefined,
  }).catch((e: unknown) => e)) as StepError;
  expect(err).toBeInstanceOf(StepError);
  expect(err.message).toMatch(
    /^health probe of orders failed: not healthy after 500ms \(\d attempts; last: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/healthz \(expected 200\): not ready\)$/,
  );
  const attempts = Number(/\((\d) attempts/.exec(err.message)![1]);
  expect(attempts).toBeGreaterThanOrEqual(3);
  expect(attempts).toBeLessThanOrEqual(5);
  expect(Date.now() - started).toBeLessThan(1500);
});

test('a timeout with some successes at the end says how far it got, and why the last failure failed', async () => {
  const err = (await probeUntilHealthy(scriptedProbe([false, false, true]), gate({ successThreshold: 100, intervalMs: 50, timeoutMs: 400 }), {
    signal: never,
    heartbeat: () => undefined,
  }).catch((e: unknown) => e)) as Error;
  expect(err.message).toMatch(/\(\d+ attempts, only \d+ of 100 consecutive successes; last failure: check 2 failed\)$/);
});

test('a check still hanging at the deadline is cut off there', async () => {
  const { url } = await scriptedServer([null]);
  const started = Date.now();
  await expect(
    probeUntilHealthy(httpProbe(url, 10_000), gate({ timeoutMs: 300 }), { signal: never, heartbeat: () => undefined }),
  ).rejects.toThrow('health probe of orders failed: not healthy after 300ms (1 attempt; last: attempt 1 did not finish before the timeout)');
  expect(Date.now() - started).toBeLessThan(2000);
});

test('an abort while waiting between attempts ends the gate promptly with the reason', async () => {
  const { url, requests } = await scriptedServer([500]);
  const controller = new AbortController();
  const reason = new Error('release aborted');
  const gateRun = probeUntilHealthy(httpProbe(url), gate({ intervalMs: 60_000, timeoutMs: 600_000 }), {
    signal: controller.signal,
    heartbeat: () => {
      // the first heartbeat comes after the first (failed) attempt, when the wait begins
      if (requests() === 1) controller.abort(reason);
    },
  });
  const started = Date.now();
  await expect(gateRun).rejects.toBe(reason);
  expect(Date.now() - started).toBeLessThan(1000);
  expect(requests()).toBe(1);
});

test('an abort during a check ends the gate promptly with the reason', async () => {
  const { url, requests } = await scriptedServer([null]);
  const controller = new AbortController();
  const reason = new Error('release aborted');
  const gateRun = probeUntilHealthy(httpProbe(url, 60_000), gate({ timeoutMs: 600_000 }), { signal: controller.signal, heartbeat: () => undefined });
  await eventually(() => requests() > 0, 'the check to reach the server', 5000);
  const abortedAt = Date.now();
  controller.abort(reason);
  await expect(gateRun).rejects.toBe(reason);
  expect(Date.now() - abortedAt).toBeLessThan(1000);
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
