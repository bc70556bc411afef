/**
 * The embedded Temporal server: `temporal server start-dev` as a child process, with the Lockstep
 * search attributes registered, resolved only once it answers gRPC for its namespace and lists
 * those attributes. Used by `lockstep dev` and the demo (7233/8233, SQLite file) and by the test
 * suite (free ports, headless, in memory).
 *
 * The server stays in our process group (Ctrl-C in a terminal reaches it too) and a
 * `process.on('exit')` hook SIGKILLs it, so it does not outlive the process that started it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { createServer, isIPv6 } from 'node:net';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
// Not re-exported from the package index; the SDK's own converter from type names to the proto enum.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { acceptsConnections, freePort } from '../net/tcpPorts';
import { SEARCH_ATTRIBUTE_TYPES } from './searchAttributes';
import { resolveTemporalCli } from './temporalCli';

export interface DevServerOptions {
  /** gRPC port; 0 or undefined: a free port. */
  port?: number;
  /** Web UI port; undefined: gRPC port + 1000 for an explicit port, a free port otherwise. */
  uiPort?: number;
  /** No Web UI. */
  headless?: boolean;
  /** The Web UI's codec endpoint (e.g. `lockstep codec-server`'s URL): it shows payloads decoded through it. */
  uiCodecEndpoint?: string;
  /** SQLite file (its directory is created); in memory when absent. */
  dbFilename?: string;
  /** Namespace created at startup and checked for readiness (default "default"). */
  namespace?: string;
  /** Server stdout/stderr are appended here (its directory is created); otherwise discarded. */
  logFile?: string;
  /** Address the server binds (default 127.0.0.1). */
  ip?: string;
  /** Deadline for the server to answer with the search attributes registered (default 30 s). */
  startTimeoutMs?: number;
  /** Extra `--dynamic-config-value KEY=JSON` settings, on top of DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: Record<string, unknown>;
  /** Progress messages (a CLI install, for instance). */
  log?: (msg: string) => void;
}

export interface DevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  /** The Web UI, unless headless. */
  uiUrl?: string;
  namespace: string;
  pid: number;
  /** Milliseconds from spawn to ready. */
  startupMs: number;
  /** SIGTERM, then SIGKILL after a deadline; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Dynamic config given to every dev server Lockstep starts. */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  // search attributes registered at startup (or added below) are visible to the very next call
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  // one partition per task queue: no forwarding between partitions delays a task on its way to a poller
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  // activities scheduled by a workflow task go straight back to the worker that completed it
  'system.enableActivityEagerExecution': true,
};

const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const TAIL_LINES = 50;
/** Attempts when a port we picked was taken before the server bound it. */
const PORT_RACE_ATTEMPTS = 3;

/** The CLI's `--search-attribute` type names as the SDK spells them. */
const CLI_TYPE_TO_SDK: Record<string, SearchAttributeType> = {
  Text: 'TEXT',
  Keyword: 'KEYWORD',
  Int: 'INT',
  Double: 'DOUBLE',
  Bool: 'BOOL',
  Datetime: 'DATETIME',
  KeywordList: 'KEYWORD_LIST',
};

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const binary = await resolveTemporalCli({ log: opts.log });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, opts);
    } catch (err) {
      if (!(err instanceof PortRace) || attempt >= PORT_RACE_ATTEMPTS) throw err;
      opts.log?.(`${err.message}; retrying on other ports`);
    }
  }
}

/** True when a Temporal frontend answers getSystemInfo at `address` within `timeoutMs`. */
export async function isServerReachable(address: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await connection.ensureConnected();
    await connection.withDeadline(deadline, () => connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

/** A startup failure caused by a port taken between our check and the server's bind. */
class PortRace extends Error {}
/** A startup failure that waiting longer will not fix. */
class Fatal extends Error {}

async function startOnce(binary: string, opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const host = connectHost(ip);
  const namespace = opts.namespace ?? 'default';
  const port = opts.port || (await freePort(ip));
  await assertPortFree(port, ip, 'gRPC');
  let uiPort: number | undefined;
  if (!opts.headless) {
    uiPort = opts.uiPort || (opts.port ? port + 1000 : await freePort(ip));
    await assertPortFree(uiPort, ip, 'Web UI');
  }

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port)];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (uiPort !== undefined && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFilename) {
    const db = resolve(opts.dbFilename);
    mkdirSync(dirname(db), { recursive: true });
    args.push('--db-filename', db);
  }
  args.push('--namespace', namespace, '--log-level', 'warn');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...opts.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const log = opts.logFile ? openLog(opts.logFile) : undefined;
  log?.write(`# lockstep ${new Date().toISOString()}: ${binary} ${args.join(' ')}\n`);
  const tail = new LineTail(TAIL_LINES);
  const started = Date.now();
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      log?.write(chunk);
      tail.push(chunk);
    });
  }
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitReason ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolveExit();
    });
    child.once('error', (err) => {
      exitReason ??= `could not be started (${err.message})`;
      resolveExit();
    });
  });
  const closed = new Promise<void>((resolveClose) => child.once('close', () => resolveClose()));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (exitReason === undefined) {
        child.kill('SIGTERM');
        if (!(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await settlesWithin(closed, 2_000); // the last lines it wrote, into the log
      process.off('exit', killOnExit);
      if (log) await new Promise<void>((done) => log.end(`# lockstep ${new Date().toISOString()}: stopped (${exitReason})\n`, done));
    })());

  const address = hostPort(host, port);
  const deadline = started + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  try {
    await waitUntilReady({ host, port, address, namespace, deadline, exited: () => exitReason, exitedPromise: exited });
  } catch (err) {
    await stop();
    throw startupError(err as Error, { binary, args, address, port, uiPort, exitReason, tail: tail.lines(), logFile: opts.logFile, explicitPort: Boolean(opts.port) });
  }
  const startupMs = Date.now() - started;
  log?.write(`# lockstep ${new Date().toISOString()}: ready at ${address} (pid ${child.pid}) after ${startupMs} ms\n`);
  return {
    address,
    uiUrl: uiPort !== undefined ? `http://${hostPort(host, uiPort)}` : undefined,
    namespace,
    pid: child.pid!, // set: the server answered, so it was spawned
    startupMs,
    stop,
  };
}

interface ReadinessTarget {
  host: string;
  port: number;
  address: string;
  namespace: string;
  deadline: number;
  exited: () => string | undefined;
  exitedPromise: Promise<void>;
}

/**
 * Polls, with the deadline, until the frontend accepts TCP, answers describeNamespace and lists
 * every Lockstep search attribute with its type. Attributes missing on a reused database (the CLI
 * registers them only when it creates the namespace) are added once through the operator service.
 */
async function waitUntilReady(t: ReadinessTarget): Promise<void> {
  let lastProblem = 'the gRPC port is not accepting connections yet';
  const check = () => {
    const reason = t.exited();
    if (reason !== undefined) throw new Error(`the server ${reason} during startup`);
    if (Date.now() > t.deadline) throw new Error(`not ready within the deadline (last check: ${lastProblem})`);
  };
  const pause = (ms: number) => settlesWithin(t.exitedPromise, ms);

  for (;;) {
    check();
    if (await acceptsConnections(t.port, t.host, 500)) break;
    await pause(50);
  }
  let connection: Connection | undefined;
  let added = false;
  try {
    for (;;) {
      check();
      try {
        if (!connection) {
          const attempt = Connection.lazy({ address: t.address, connectTimeout: clamp(t.deadline - Date.now(), 100, 2_000) });
          try {
            await attempt.ensureConnected();
          } catch (err) {
            await attempt.close();
            throw err;
          }
          connection = attempt;
        }
        const conn = connection;
        const rpcDeadline = () => Date.now() + clamp(t.deadline - Date.now(), 100, 2_000);
        await conn.withDeadline(rpcDeadline(), () => conn.workflowService.describeNamespace({ namespace: t.namespace }));
        const { customAttributes } = await conn.withDeadline(rpcDeadline(), () =>
          conn.operatorService.listSearchAttributes({ namespace: t.namespace }),
        );
        const missing = checkSearchAttributes(customAttributes ?? {});
        if (Object.keys(missing).length === 0) return;
        lastProblem = `search attributes not registered yet: ${Object.keys(missing).join(', ')}`;
        if (!added) {
          added = true;
          await conn.withDeadline(rpcDeadline(), () =>
            conn.operatorService.addSearchAttributes({ namespace: t.namespace, searchAttributes: missing }),
          );
        }
      } catch (err) {
        if (err instanceof Fatal) throw err;
        lastProblem = (err as Error).message;
      }
      await pause(100);
    }
  } finally {
    await connection?.close();
  }
}

type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;

/** The Lockstep attributes missing from `registered`; throws Fatal when one has the wrong type. */
function checkSearchAttributes(registered: Record<string, unknown>): Record<string, IndexedValueType> {
  const missing: Record<string, IndexedValueType> = {};
  for (const [name, cliType] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
    const want = encodeSearchAttributeIndexedValueType(CLI_TYPE_TO_SDK[cliType]);
    if (want === undefined) throw new Fatal(`unknown search attribute type ${cliType} for ${name}`);
    const have = registered[name];
    if (have === undefined || have === null) {
      missing[name] = want;
    } else if (have !== want) {
      const haveName = Object.keys(CLI_TYPE_TO_SDK).find((k) => encodeSearchAttributeIndexedValueType(CLI_TYPE_TO_SDK[k]) === have);
      throw new Fatal(
        `search attribute ${name} is registered as ${haveName ?? String(have)} but Lockstep needs ${cliType} ` +
          '(a database file from an older Lockstep? delete it, or use another --db-filename)',
      );
    }
  }
  return missing;
}

function startupError(
  err: Error,
  ctx: {
    binary: string;
    args: string[];
    address: string;
    port: number;
    uiPort?: number;
    exitReason?: string;
    tail: string[];
    logFile?: string;
    explicitPort: boolean;
  },
): Error {
  const output = ctx.tail.length ? `\n--- last ${ctx.tail.length} lines of its output ---\n${ctx.tail.join('\n')}` : '\n(it printed nothing)';
  const where = ctx.logFile ? ` (full log: ${ctx.logFile})` : '';
  const command = `${ctx.binary} ${ctx.args.slice(0, 6).join(' ')} ...`;
  if (err instanceof Fatal) return new Error(`the Temporal dev server at ${ctx.address} is not usable: ${err.message}`);
  const inUse = ctx.tail.some((l) => /address already in use/i.test(l));
  if (inUse) {
    const ours = [ctx.port, ctx.uiPort].filter((p): p is number => p !== undefined).find((p) => ctx.tail.some((l) => l.includes(`:${p}`)));
    if (ours !== undefined && ctx.explicitPort) {
      return new Error(`port ${ours} is already in use: cannot start the Temporal dev server (${command})${where}${output}`);
    }
    return new PortRace(`a port the Temporal dev server needed (${ours ?? 'one it picked itself'}) was taken during startup${output}`);
  }
  return new Error(`the Temporal dev server (${command}) failed on ${ctx.address}: ${err.message}${where}${output}`);
}

/** Opens a log file for appending; a bad path fails here, not later in a stream event. */
function openLog(file: string): WriteStream {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { fd: openSync(path, 'a') });
  stream.on('error', () => undefined); // a full disk must not crash the process; the tail still has the output
  return stream;
}

/** The last `max` lines of the combined output. */
class LineTail {
  private readonly done: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.done.push(line.trimEnd());
    if (this.done.length > this.max) this.done.splice(0, this.done.length - this.max);
  }

  lines(): string[] {
    const all = this.partial.trim() ? [...this.done, this.partial.trimEnd()] : [...this.done];
    return all.slice(-this.max);
  }
}

async function assertPortFree(port: number, ip: string, what: string): Promise<void> {
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolveCheck) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolveCheck(err));
    server.listen({ port, host: ip, exclusive: true }, () => server.close(() => resolveCheck(undefined)));
  });
  if (!problem) return;
  if (problem.code === 'EADDRINUSE') {
    throw new Error(`port ${port} on ${ip} (${what}) is already in use: is another Temporal server or \`lockstep dev\` running? Choose another port.`);
  }
  throw new Error(`cannot use port ${port} on ${ip} (${what}): ${problem.message}`);
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where to connect for a bind address (a wildcard bind is reached through loopback). */
function connectHost(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '::1';
  return ip;
}

function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
