/**
 * A real Prometheus (Debian's `prometheus` package, which `.ci/run` installs) on a free port of
 * 127.0.0.1, scraping the given targets every second, with a temporary config and tsdb. Start it
 * in beforeAll, `stop()` it in afterAll. `LOCKSTEP_PROMETHEUS` names another binary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../src/net/tcpPorts';
import { waitFor } from './waitFor';

export interface PrometheusServer {
  /** e.g. `http://127.0.0.1:41234`: a check's `address`. */
  address: string;
  /** From spawn to /-/ready answering 200. */
  readyMs: number;
  /** An instant query's single value (scalar or one-series vector); undefined for no data or an error. */
  value(query: string): Promise<number | undefined>;
  /** Waits until every target has been scraped up (Prometheus 2.42 scrapes new targets ~5 s after start); ms since spawn. */
  untilScraped(): Promise<number>;
  stop(): Promise<void>;
}

export interface PrometheusServerOptions {
  /** `host:port` of each /metrics endpoint to scrape (job `lockstep-test`). */
  targets: string[];
  /** Default 1s. */
  scrapeInterval?: string;
}

/** The prometheus binary, or an error saying how to get one (never a skip). */
export function prometheusBinary(): string {
  const named = process.env.LOCKSTEP_PROMETHEUS;
  const candidates = named ? [named] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(
    named
      ? `LOCKSTEP_PROMETHEUS=${named} is not an executable file`
      : "prometheus is not installed (not on PATH): these tests run a real Prometheus. Run .ci/run (it installs Debian's " +
          '`prometheus` package), or `apt-get install -y prometheus`, or set LOCKSTEP_PROMETHEUS to a prometheus binary',
  );
}

export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-prometheus-'));
  const interval = options.scrapeInterval ?? '1s';
  const targets = options.targets.map((t) => `'${t}'`).join(', ');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: lockstep-test',
      `    scrape_interval: ${interval}`,
      `    static_configs: [{ targets: [${targets}] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const startedAt = Date.now();
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolveExit();
    });
    child.once('error', (err) => {
      exited = err.message;
      resolveExit();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(async () => {
      if (exited !== undefined) throw new Error(`prometheus ended (${exited}) before it was ready: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      const response = await fetch(`${address}/-/ready`).catch(() => undefined);
      return response?.status === 200;
    }, `Prometheus at ${address} to answer /-/ready`, 60_000, 100).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nits log: ${log.trim().split('\n').slice(-5).join('\n')}`);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const readyMs = Date.now() - startedAt;

  const value = async (query: string): Promise<number | undefined> => {
    const response = await fetch(`${address}/api/v1/query?query=${encodeURIComponent(query)}`);
    // the documented instant-query answer; a different shape reads as undefined
    const answer = (await response.json()) as { status: string; data?: { resultType: string; result: unknown } };
    if (answer.status !== 'success' || !answer.data) return undefined;
    if (answer.data.resultType === 'scalar') return Number((answer.data.result as [number, string])[1]);
    const series = answer.data.result as { value: [number, string] }[];
    return series.length === 1 ? Number(series[0]!.value[1]) : undefined;
  };
  return {
    address,
    readyMs,
    value,
    async untilScraped(): Promise<number> {
      const count = options.targets.length;
      await waitFor(async () => (await value('count(up == 1)')) === count, `Prometheus to scrape its ${count} target(s)`);
      return Date.now() - startedAt;
    },
    stop,
  };
}
