/**
 * A real Prometheus (Debian's `prometheus` package, which `.ci/run` installs) on a free port of
 * 127.0.0.1, scraping the given targets every second, with a temporary config and tsdb. Start it
 * in beforeAll, `stop()` it in afterAll. `LOCKSTEP_PROMETHEUS` names another binary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { localCacheDir } from '../../src/packageLocation';
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

/**
 * Debian's prometheus package unpacked into the project-local cache (`apt-get download` needs no
 * root, only the machine's package lists): the tests then need nothing installed beforehand.
 * Undefined when it cannot be fetched (no apt, no lists).
 */
async function cachedDebianPrometheus(): Promise<string | undefined> {
  const root = join(localCacheDir(), 'prometheus', 'debian');
  const binary = join(root, 'usr', 'bin', 'prometheus');
  if (isExecutable(binary)) return binary;
  mkdirSync(dirname(root), { recursive: true });
  const work = mkdtempSync(join(dirname(root), 'fetch-'));
  try {
    await run('apt-get', ['download', 'prometheus'], work);
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) return undefined;
    await run('dpkg-deb', ['-x', join(work, deb), join(work, 'root')]);
    try {
      renameSync(join(work, 'root'), root); // atomic: a parallel test file may have won the race
    } catch {
      // it did: use its copy
    }
    return isExecutable(binary) ? binary : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function run(program: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd, timeout: 300_000 }, (err) => (err ? reject(err) : resolve()));
  });
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The prometheus binary: $LOCKSTEP_PROMETHEUS, on PATH, or Debian's package fetched into the cache; else an error saying how to get one (never a skip). */
export async function prometheusBinary(): Promise<string> {
  const onPath = installedPrometheus();
  if (onPath !== undefined || process.env.LOCKSTEP_PROMETHEUS) return onPath ?? installedPrometheusOrThrow();
  return (await cachedDebianPrometheus()) ?? installedPrometheusOrThrow();
}

function installedPrometheus(): string | undefined {
  try {
    return installedPrometheusOrThrow();
  } catch {
    return undefined;
  }
}

function installedPrometheusOrThrow(): string {
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
      : "prometheus is not installed (not on PATH) and Debian's package could not be fetched with `apt-get download prometheus`: " +
          "these tests run a real Prometheus. Run .ci/run (it installs Debian's `prometheus` package), or `apt-get install -y prometheus`, " +
          'or set LOCKSTEP_PROMETHEUS to a prometheus binary',
  );
}

export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const binary = await prometheusBinary();
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
