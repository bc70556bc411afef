/**
 * A real Apicurio Registry for tests (the `schema` check's registry, through its Confluent-compatible
 * API at /apis/ccompat/v7). Fetched once from Maven Central (`io.apicurio:apicurio-registry-app:3.3.3`,
 * classifier `all`, tar.gz, 158 MB) into `<cache>/apicurio/3.3.3/`, checked against Maven's SHA-1,
 * unpacked in a staging folder and renamed into place (an interrupted fetch never leaves a half cache;
 * a lock file keeps two jest workers from fetching twice). Started in-memory on a free port of
 * 127.0.0.1 with a Temurin 21+ JDK (Java 17 fails on Apicurio 3), ready when the ccompat API answers.
 *
 *   const registry = await startApicurio();   // beforeAll
 *   registry.ccompatUrl                        // http://127.0.0.1:PORT/apis/ccompat/v7
 *   await registry.stop();                     // afterAll
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { localCacheDir } from '../../src/packageLocation';
import { waitFor } from './waitFor';

export const APICURIO_VERSION = '3.3.3';
const ARTIFACT = `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`;
const MAVEN_REPO = process.env.LOCKSTEP_MAVEN_REPO ?? 'https://repo.maven.apache.org/maven2';
const ARTIFACT_URL = `${MAVEN_REPO}/io/apicurio/apicurio-registry-app/${APICURIO_VERSION}/${ARTIFACT}`;
/** Debian's JVM folder has Temurin 25 beside the default Java 17 (which Apicurio 3 refuses). */
export const APICURIO_JAVA = process.env.LOCKSTEP_APICURIO_JAVA ?? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';

const FETCH_DEADLINE_MS = 10 * 60_000;
const LOCK_STALE_MS = FETCH_DEADLINE_MS + 60_000;
/** Hang guards, not speed limits: Apicurio is ready in ~10 s on a quiet machine. */
const START_DEADLINE_MS = 3 * 60_000;
const STOP_DEADLINE_MS = 20_000;

export interface RunningApicurio {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The Confluent Schema Registry API: http://127.0.0.1:PORT/apis/ccompat/v7 */
  ccompatUrl: string;
  /** Apicurio's output so far (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

const log = (msg: string): void => void process.stderr.write(`apicurio: ${msg}\n`);

/** The unpacked registry's folder holding quarkus-run.jar, fetched if missing. */
export async function ensureApicurio(cacheRoot = join(localCacheDir(), 'apicurio')): Promise<string> {
  const home = join(cacheRoot, APICURIO_VERSION);
  const found = await findQuarkusApp(home);
  if (found) return found;
  await mkdir(cacheRoot, { recursive: true });
  const lock = join(cacheRoot, `${APICURIO_VERSION}.lock`);
  await waitFor(() => takeLock(lock), `the Apicurio fetch lock ${lock}`, LOCK_STALE_MS + 60_000, 1000);
  try {
    const again = await findQuarkusApp(home); // another process fetched it while we waited
    if (again) return again;
    const staging = join(cacheRoot, `.staging-${process.pid}-${Date.now()}`);
    await mkdir(staging, { recursive: true });
    try {
      const started = Date.now();
      log(`fetching ${ARTIFACT_URL} (158 MB) into ${home}`);
      const archive = join(staging, ARTIFACT);
      const sha1 = await download(ARTIFACT_URL, archive);
      const expected = (await (await httpGet(`${ARTIFACT_URL}.sha1`)).text()).trim().split(/\s+/)[0];
      if (sha1 !== expected) throw new Error(`${ARTIFACT}: SHA-1 ${sha1}, Maven Central says ${expected}`);
      await promisify(execFile)('tar', ['-xzf', archive, '-C', staging]);
      await unlink(archive);
      if (!(await findQuarkusApp(staging))) throw new Error(`${ARTIFACT} has no quarkus-run.jar`);
      await rm(home, { recursive: true, force: true });
      await rename(staging, home);
      log(`fetched and unpacked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    await unlink(lock).catch(() => undefined);
  }
  const app = await findQuarkusApp(home);
  if (!app) throw new Error(`no quarkus-run.jar under ${home} after unpacking`);
  return app;
}

/** Starts an in-memory Apicurio on a free port and waits until its ccompat API answers. */
export async function startApicurio(): Promise<RunningApicurio> {
  const app = await ensureApicurio();
  if (!existsSync(APICURIO_JAVA)) {
    throw new Error(`no JDK at ${APICURIO_JAVA} (Apicurio 3 needs Java 21+; set LOCKSTEP_APICURIO_JAVA)`);
  }
  const port = await freePort();
  // Quarkus' management interface (health, metrics) binds 0.0.0.0:9000 by default: one per machine
  const managementPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ccompatUrl = `${url}/apis/ccompat/v7`;
  const started = Date.now();
  const child = spawn(
    APICURIO_JAVA,
    [
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.management.port=${managementPort}`,
      '-Dquarkus.management.host=127.0.0.1',
      '-jar',
      join(app, 'quarkus-run.jar'),
    ],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = (): Promise<void> => stopProcess(child, exited);
  try {
    const state = await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return 'exited';
        const res = await fetch(`${ccompatUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
        return res.ok ? 'ready' : false;
      },
      `Apicurio on ${url}`,
      START_DEADLINE_MS,
      200,
    );
    if (state === 'exited') throw new Error(`Apicurio exited with ${child.exitCode ?? child.signalCode} before it was ready`);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.slice(-3000)}`);
  }
  log(`ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { port, url, ccompatUrl, output: () => output, stop };
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}

async function findQuarkusApp(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  if (existsSync(join(dir, 'quarkus-run.jar'))) return dir;
  for (const entry of await readdir(dir)) {
    const sub = join(dir, entry);
    if (entry.startsWith('.') || !(await stat(sub)).isDirectory()) continue;
    const found = await findQuarkusApp(sub);
    if (found) return found;
  }
  return undefined;
}

async function takeLock(lock: string): Promise<boolean> {
  try {
    await (await open(lock, 'wx')).close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > LOCK_STALE_MS) await unlink(lock).catch(() => undefined);
    return false;
  }
}

async function httpGet(url: string): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_DEADLINE_MS) });
  if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res;
}

/** Streams url into file; the file's SHA-1 (hex). */
async function download(url: string, file: string): Promise<string> {
  const res = await httpGet(url);
  const hash = createHash('sha1');
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(file));
  return hash.digest('hex');
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
