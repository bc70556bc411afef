/**
 * The `prometheus` check against a real Prometheus scraping a real canary service on 127.0.0.1
 * every second. The canary counts its answers in http_requests_total{version, code}; the test
 * sends it requests and waits (on the condition, via queries) until Prometheus has scraped them.
 */
import { type Server, createServer } from 'node:http';
import pino from 'pino';
import type { CheckContext, CheckFinding, CheckOutcome } from '../../src/checks/check';
import { Check } from '../../src/checks/checkKinds';
import { createCheck } from '../../src/checks/createCheck';
import { freePort } from '../../src/net/tcpPorts';
import { type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { type PrometheusServer, startPrometheus } from '../support/prometheusServer';
import { waitFor } from '../support/waitFor';

/** A user's service: answers GET /work with 200, or 500 while `failing`; serves its own /metrics. */
class CanaryService {
  version = '1.0.0';
  failing = false;
  readonly counts = new Map<string, { '200': number; '500': number }>();
  private readonly server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(this.metricsText());
      return;
    }
    const code = this.failing ? '500' : '200';
    const counts = this.counts.get(this.version) ?? { '200': 0, '500': 0 };
    counts[code]++;
    this.counts.set(this.version, counts);
    res.writeHead(Number(code)).end(code === '200' ? 'ok' : 'injected error');
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolveListen) => this.server.listen(0, '127.0.0.1', resolveListen));
    this.port = (this.server.address() as { port: number }).port; // a TCP listener's address is an object
  }
  /** Sends `count` real requests to itself. */
  async serve(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await (await fetch(`http://127.0.0.1:${this.port}/work`)).text();
  }
  stop(): Promise<void> {
    return new Promise((resolveClose) => this.server.close(() => resolveClose()));
  }
  private metricsText(): string {
    const lines = ['# HELP http_requests_total Requests answered, by version and status code.', '# TYPE http_requests_total counter'];
    for (const [version, counts] of this.counts) {
      for (const code of ['200', '500'] as const) lines.push(`http_requests_total{version="${version}",code="${code}"} ${counts[code]}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The canary's error ratio (errors over all its requests), selected by the version the release brings. */
const ERROR_RATIO =
  'sum(http_requests_total{version="{{version.orders}}",code="500"}) / sum(http_requests_total{version="{{version.orders}}"})';

const canary = new CanaryService();
let prometheus: PrometheusServer;

beforeAll(async () => {
  await canary.start();
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${canary.port}`] });
  const scrapedMs = await prometheus.untilScraped();
  console.log(`prometheus ready after ${prometheus.readyMs} ms, first scrape of the canary after ${scrapedMs} ms`);
});

afterAll(async () => {
  await prometheus?.stop();
  await canary.stop();
});

/** Serves `ok` then `errors` requests as `version`, and waits until Prometheus has scraped them all. */
async function canaryServes(version: string, ok: number, errors: number): Promise<void> {
  canary.version = version;
  canary.failing = false;
  await canary.serve(ok);
  canary.failing = true;
  await canary.serve(errors);
  canary.failing = false;
  await waitFor(
    async () => (await prometheus.value(`sum(http_requests_total{version="${version}"})`)) === ok + errors,
    `Prometheus to have scraped ${ok + errors} requests of ${version}`,
  );
}

interface RunOptions {
  versions?: Record<string, string>;
  signal?: AbortSignal;
  onSample?: (finding: CheckFinding) => void;
}

async function runCheck(block: Record<string, unknown>, options: RunOptions = {}): Promise<CheckOutcome & { heartbeats: number }> {
  const check = Check.parse({ name: 'error-rate', kind: 'prometheus', address: prometheus.address, pass: '< 0.5', sampleInterval: '200ms', ...block });
  let heartbeats = 0;
  // a real logger whose lines the test reads: each sample is logged as it is taken
  const logger = pino({ level: 'info' }, {
    write(line: string) {
      const entry = JSON.parse(line) as { msg: string } & CheckFinding;
      if (entry.msg === 'prometheus sample') options.onSample?.({ item: entry.item, status: entry.status, message: entry.message });
    },
  });
  const ctx: CheckContext = {
    releaseId: 'rel-1',
    environment: 'test',
    check: check.name,
    moment: 'final',
    run: 1,
    baseDir: process.cwd(),
    versions: options.versions ?? { orders: '1.0.0' },
    services: [{ name: 'orders', dependsOn: [] }],
    signal: options.signal ?? new AbortController().signal,
    heartbeat: () => void heartbeats++,
    logger,
  };
  const outcome = await createCheck(check).run(ctx);
  return { ...outcome, heartbeats };
}

test('passes while the canary answers 200: error ratio 0 < 0.5 on every sample', async () => {
  await canaryServes('1.0.0', 10, 0);
  const outcome = await runCheck({ query: ERROR_RATIO, samples: 2 }, { versions: { orders: '1.0.0' } });
  expect(outcome).toMatchObject({
    status: 'passed',
    summary: '2 of 2 samples passed: 0 < 0.5 is true',
    findings: [
      { item: 'sample 1/2', status: 'passed', message: '0 < 0.5 is true' },
      { item: 'sample 2/2', status: 'passed', message: '0 < 0.5 is true' },
    ],
  });
  expect(outcome.heartbeats).toBeGreaterThanOrEqual(2);
});

test('fails once the canary answers errors, with the measured error ratio', async () => {
  await canaryServes('1.1.0', 1, 3);
  const outcome = await runCheck({ query: ERROR_RATIO, samples: 3 }, { versions: { orders: '1.1.0' } });
  expect(outcome).toMatchObject({
    status: 'failed',
    summary: '1 of 1 samples failed: sample 1/3: 0.75 < 0.5 is false',
    findings: [{ item: 'sample 1/3', status: 'failed', message: '0.75 < 0.5 is false' }],
  });
});

test('failureLimit 2 of samples 3: stops at the second failed sample', async () => {
  await canaryServes('1.2.0', 1, 2);
  const outcome = await runCheck({ query: ERROR_RATIO, samples: 3, failureLimit: 2 }, { versions: { orders: '1.2.0' } });
  expect(outcome.status).toBe('failed');
  expect(outcome.summary).toBe('2 of 2 samples failed: sample 2/3: 0.666667 < 0.5 is false');
  expect(outcome.findings).toEqual([
    { item: 'sample 1/3', status: 'failed', message: '0.666667 < 0.5 is false' },
    { item: 'sample 2/3', status: 'failed', message: '0.666667 < 0.5 is false' },
  ]);
});

describe('failureLimit 2 of samples 3 tolerates one failed sample', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(Number(new URL(prometheus.address).port));
  });
  afterAll(() => proxy.close());

  test('Prometheus unreachable for the first sample, back for the next two: passed', async () => {
    await canaryServes('1.3.0', 4, 0);
    await proxy.cut('refuse');
    const outcome = await runCheck(
      { address: `http://127.0.0.1:${proxy.port}`, query: ERROR_RATIO, samples: 3, failureLimit: 2 },
      // the route to Prometheus comes back right after the first sample, well before the second
      { versions: { orders: '1.3.0' }, onSample: (finding) => void (finding.item === 'sample 1/3' && proxy.heal()) },
    );
    expect(outcome).toMatchObject({
      status: 'passed',
      summary: '2 of 3 samples passed, 1 failed (failureLimit 2): 0 < 0.5 is true',
      findings: [
        { item: 'sample 1/3', status: 'failed', message: `cannot reach Prometheus at http://127.0.0.1:${proxy.port}: connect ECONNREFUSED 127.0.0.1:${proxy.port}` },
        { item: 'sample 2/3', status: 'passed', message: '0 < 0.5 is true' },
        { item: 'sample 3/3', status: 'passed', message: '0 < 0.5 is true' },
      ],
    });
  });
});

test('a query that matches nothing: no data fails by default, passes with noData: pass', async () => {
  const query = 'sum(http_requests_total{version="9.9.9"})';
  expect(await runCheck({ query })).toMatchObject({
    status: 'failed',
    summary: '1 of 1 samples failed: sample 1/1: no data',
    findings: [{ item: 'sample 1/1', status: 'failed', message: 'no data' }],
  });
  expect(await runCheck({ query, noData: 'pass' })).toMatchObject({
    status: 'passed',
    summary: '1 of 1 samples passed: no data (noData: pass)',
    findings: [{ item: 'sample 1/1', status: 'passed', message: 'no data (noData: pass)' }],
  });
});

test("a PromQL syntax error fails with Prometheus's own parse error", async () => {
  const outcome = await runCheck({ query: 'sum(rate(http_requests_total[1m])' });
  expect(outcome.status).toBe('failed');
  expect(outcome.findings).toHaveLength(1);
  expect(outcome.findings[0]!.message).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  expect(outcome.findings[0]!.message).toContain('unclosed left parenthesis');
});

test('an unreachable Prometheus is a failed finding with the connection error, not a throw', async () => {
  const port = await freePort();
  const outcome = await runCheck({ address: `http://127.0.0.1:${port}`, query: 'vector(0)' });
  expect(outcome).toMatchObject({
    status: 'failed',
    findings: [{ item: 'sample 1/1', status: 'failed', message: `cannot reach Prometheus at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}` }],
  });
});

test('a query returning several series fails, saying how many and suggesting an aggregation', async () => {
  await canaryServes('1.4.0', 2, 1);
  const outcome = await runCheck({ query: 'sum by (code) (http_requests_total{version="1.4.0"})' });
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[0]!.message).toMatch(/^the query returned 2 series \(\{code="(200|500)"\}, \{code="(200|500)"\}\); it must return one: aggregate it, e\.g\. with sum\(\.\.\.\) or max\(\.\.\.\)$/);
});

test('a scalar result is compared too; {{version.<service>}} of a service not in the release fails the run', async () => {
  expect(await runCheck({ query: 'scalar(vector(3))', pass: '>= 3' })).toMatchObject({ status: 'passed', findings: [{ message: '3 >= 3 is true' }] });
  expect(await runCheck({ query: ERROR_RATIO }, { versions: { billing: '2.0.0' } })).toMatchObject({
    status: 'failed',
    findings: [{ item: 'query', status: 'failed', message: 'the query uses {{version.orders}} but orders is not a service of this release (services: billing)' }],
  });
});

test('cancelled while waiting between samples: the run rejects (the only time it does)', async () => {
  const cancel = new AbortController();
  const run = runCheck({ query: 'vector(0)', samples: 2, sampleInterval: '1h' }, { signal: cancel.signal, onSample: () => cancel.abort() });
  await expect(run).rejects.toMatchObject({ name: 'AbortError' });
});

describe('the manifest block', () => {
  const block = { name: 'error-rate', kind: 'prometheus', address: 'http://127.0.0.1:9090', query: 'vector(0)', pass: '< 0.5' };
  const errorOf = (extra: Record<string, unknown>) => {
    const result = Check.safeParse({ ...block, ...extra });
    return result.success ? undefined : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };

  test('defaults: one sample, 10s apart, failureLimit 1, noData fail', () => {
    expect(Check.parse(block)).toMatchObject({ samples: 1, sampleInterval: '10s', failureLimit: 1, noData: 'fail', interval: '10s' });
  });

  test('bad blocks are refused with a message naming the problem', () => {
    expect(errorOf({ pass: 'below 0.5' })).toBe('pass: "below 0.5" is not a condition; write an operator (<, <=, >, >= or ==) and a number, e.g. "< 0.5"');
    expect(errorOf({ pass: '=< 1' })).toBe('pass: "=< 1" is not a condition; write an operator (<, <=, >, >= or ==) and a number, e.g. "< 0.5"');
    expect(errorOf({ address: 'ftp://x' })).toBe('address: must be an http(s) URL, e.g. "http://127.0.0.1:9090"');
    expect(errorOf({ query: '  ' })).toBe('query: must be a PromQL query, e.g. "sum(rate(http_requests_total{code=~\\"5..\\"}[1m]))"');
    expect(errorOf({ query: 'up{version="{{orders}}"}' })).toBe('query: {{orders}} is not a placeholder; the query may use {{version.<service>}}');
    expect(errorOf({ samples: 2, failureLimit: 3 })).toBe('failureLimit: is 3 but only 2 sample(s) are taken: the check could never fail');
    expect(errorOf({ noData: 'ignore' })).toBe('noData: must be fail or pass');
    expect(errorOf({ pass: '<= -1.5e3' })).toBeUndefined();
  });
});
