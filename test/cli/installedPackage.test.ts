/**
 * Lockstep as a team would use it from its own repository: `npm pack`, `npm install <tgz>` into a
 * folder of its own, and the installed `lockstep` run from yet another directory (the team's, with
 * its manifest and deploy scripts): `--version`, `dev` (the embedded server and a worker) with a
 * `release --wait` on it, and a `worker` against the suite's server with a `release --wait` there.
 * Slow by nature (an npm install of the SDK, two workflow bundles); one test file.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { runProcess } from '../support/runCli';
import { acceptsConnections, freePort } from '../../src/net/tcpPorts';
import { waitFor } from '../support/waitFor';
import { resolveTemporalCli } from '../../src/temporal/temporalCli';

const run = promisify(execFile);
const REPO = resolve(__dirname, '..', '..');
const NPM_TIMEOUT_MS = 8 * 60_000;

const scratch = mkdtempSync(join(tmpdir(), 'lockstep-installed-'));
const team = join(scratch, 'team-repo'); // the team's own repository: the manifest and the scripts
const installed = join(scratch, 'inst');
const lockstep = join(installed, 'node_modules', '.bin', 'lockstep');
const stateHome = join(scratch, 'state-home');
let env: Record<string, string | undefined>;

beforeAll(async () => {
  await run('npm', ['pack', '--pack-destination', scratch], { cwd: REPO, timeout: NPM_TIMEOUT_MS });
  const tgz = readdirSync(scratch).find((f) => /^lockstep-.*\.tgz$/.test(f));
  if (!tgz) throw new Error(`npm pack wrote no lockstep-*.tgz into ${scratch}`);
  await run('npm', ['install', '--prefix', installed, join(scratch, tgz), '--no-audit', '--no-fund', '--prefer-offline'], { cwd: scratch, timeout: NPM_TIMEOUT_MS });
  writeTeamRepo();
  // the suite's Temporal CLI: an installed copy would otherwise download its own (~150 MB) on first use
  env = {
    TEMPORAL_CLI_PATH: await resolveTemporalCli(),
    LOCKSTEP_LOG_LEVEL: 'warn',
    LOCKSTEP_STATE_DIR: join(scratch, 'state'),
    XDG_STATE_HOME: stateHome, // where an installed copy keeps the dev server's database, not in its package folder
    TEMPORAL_ADDRESS: undefined,
  };
}, NPM_TIMEOUT_MS * 2);

/** A manifest with command targets whose deploy script logs what it deployed, in the team's directory. */
function writeTeamRepo(): void {
  mkdirSync(join(team, 'deploy'), { recursive: true });
  const script = (name: string, body: string) => {
    writeFileSync(join(team, 'deploy', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(team, 'deploy', name), 0o755);
  };
  script('deploy.sh', 'echo "deploy $LOCKSTEP_SERVICE $LOCKSTEP_VERSION ($LOCKSTEP_ENVIRONMENT)" >> deploys.log\nprintf %s "$LOCKSTEP_VERSION" > "running-$LOCKSTEP_ENVIRONMENT-$LOCKSTEP_SERVICE"');
  script('current.sh', 'cat "running-$LOCKSTEP_ENVIRONMENT-$LOCKSTEP_SERVICE" 2>/dev/null || true');
  for (const environment of ['dev', 'suite']) {
    writeFileSync(
      join(team, `release-${environment}.yaml`),
      [
        'apiVersion: lockstep/v1',
        'kind: Release',
        'metadata:',
        `  environment: ${environment}`,
        'spec:',
        '  services:',
        ...['api', 'web'].flatMap((name, i) => [
          `    - name: ${name}`,
          '      version: "1.2.0"',
          ...(i > 0 ? ['      dependsOn: [api]'] : []),
          '      target: { kind: command, deploy: ["./deploy.sh"], current: ["./current.sh"], cwd: deploy }',
        ]),
        '',
      ].join('\n'),
    );
  }
}

const deploysLogged = () => readFileSync(join(team, 'deploy', 'deploys.log'), 'utf8').trim().split('\n');

/** The installed `lockstep`, started in the team's directory; its output collected. */
function startInstalled(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(lockstep, args, { cwd: team, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

test('an installed copy runs --version, dev, worker and release --wait from another directory', async () => {
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const v = await runProcess(lockstep, ['--version'], env, 60_000, undefined, team);
  expect({ code: v.code, stdout: v.stdout }).toEqual({ code: 0, stdout: `${version}\n` });

  // `lockstep dev`: the embedded server and a worker; a release on it; Ctrl-C stops both
  const port = await freePort();
  const uiPort = await freePort();
  const dev = startInstalled(['dev', '--port', String(port), '--ui-port', String(uiPort)]);
  try {
    await waitFor(() => dev.output().includes('Ctrl-C stops'), `lockstep dev to be ready (output so far: ${dev.output()})`, 180_000, 200);
    const release = await runProcess(lockstep, ['release', 'release-dev.yaml', '--wait', '--address', `127.0.0.1:${port}`], env, 180_000, undefined, team);
    expect({ code: release.code, stderr: release.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(release.stdout).toMatch(/Succeeded/);
    expect(deploysLogged()).toEqual(['deploy api 1.2.0 (dev)', 'deploy web 1.2.0 (dev)']);
    expect(existsSync(join(stateHome, 'lockstep', 'dev.db'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules', 'lockstep', '.lockstep'))).toBe(false);
  } finally {
    dev.child.kill('SIGINT');
  }
  expect(await dev.exited).toBe(0);
  expect(await acceptsConnections(port)).toBe(false);

  // `lockstep worker` against the suite's server, on a task queue of its own; a release there
  const taskQueue = `installed-${randomUUID()}`;
  const suite = { ...env, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE, LOCKSTEP_TASK_QUEUE: taskQueue };
  const worker = spawn(lockstep, ['worker'], { cwd: team, env: { ...process.env, ...suite }, stdio: ['ignore', 'ignore', 'pipe'] });
  const workerExited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
  try {
    const release = await runProcess(lockstep, ['release', 'release-suite.yaml', '--wait'], suite, 240_000, undefined, team);
    expect(release.code).toBe(0);
    expect(deploysLogged().slice(2)).toEqual(['deploy api 1.2.0 (suite)', 'deploy web 1.2.0 (suite)']);
  } finally {
    worker.kill('SIGINT');
  }
  expect(await workerExited).toBe(0);
}, 15 * 60_000);
