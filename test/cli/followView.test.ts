/**
 * `release --follow` through real CLI processes and a real worker: on a terminal (a pseudo-terminal
 * from util-linux `script`) a table redrawn in place with ANSI cursor movement, ending with each
 * service's final status; without one (a pipe, CI=true, TERM=dumb) plain lines, no escape codes.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { LOCKSTEP_BIN, runCli, runProcess, type CliResult, type OutputWatcher } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';

const taskQueue = `follow-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

const COLUMNS = 100;
const CURSOR_UP = /\x1b\[(\d+)A/g;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with a pseudo-terminal as stdin/stdout/stderr, COLUMNS wide; the terminal's output (both streams) and the exit code. */
function runUnderTerminal(args: string[], extraEnv: Record<string, string> = {}, onOutput?: OutputWatcher): Promise<CliResult> {
  const command = `stty cols ${COLUMNS} rows 40; exec ${[process.execPath, LOCKSTEP_BIN, ...args].map(quote).join(' ')}`;
  return runProcess('script', ['-qfec', command, '/dev/null'], { LOCKSTEP_LOG_LEVEL: 'silent', TERM: 'xterm-256color', CI: '', ...env, ...extraEnv }, 120_000, onOutput);
}

/** The lines of the last frame the live view drew (after the last cursor movement), without escape codes. */
function lastFrame(output: string, rows: number): string[] {
  const frames = output.split(CURSOR_UP);
  const last = frames[frames.length - 1]!;
  return last
    .replace(/\x1b\[2K|\x1b\[J/g, '')
    .split('\n')
    .map((l) => l.replace(/\r/g, ''))
    .filter((l) => l !== '')
    .slice(0, rows);
}

const SERVICES = ['db', 'api', 'web'];
const newFleet = () => new FakeFleet({ db: '1.0.0', api: '1.0.0', web: '1.0.0' });

/**
 * A fleet whose deploys are held until the view has shown them running: each service's deploy goes
 * on once the CLI's output has a row "<service> Deploying", however slowly the CLI polls.
 */
function fleetSeenDeploying(): { fleet: FakeFleet; watch: OutputWatcher } {
  const fleet = newFleet();
  const held = new Set(SERVICES);
  for (const name of held) fleet.hold('deploy', name);
  const watch: OutputWatcher = (output) => {
    const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    for (const name of held) {
      if (new RegExp(`(^|\r) {2}${name} +Deploying`, 'm').test(plain)) {
        held.delete(name);
        fleet.letGo('deploy', name);
      }
    }
  };
  return { fleet, watch };
}

function threeServices(fleet: FakeFleet, id: string): string {
  return fleet.writeManifest(
    fleet.manifest(id, [fleet.service('db', '2.0.0'), fleet.service('api', '2.0.0', { dependsOn: ['db'] }), fleet.service('web', '2.0.0', { dependsOn: ['api'] })]),
  );
}

test('on a terminal: a table redrawn in place (cursor up, clear line), ending with every service\'s final status', async () => {
  const seen = fleetSeenDeploying();
  const okId = `follow-tty-${randomUUID().slice(0, 8)}`;
  const failFleet = newFleet();
  failFleet.env.UNHEALTHY = 'web@2.0.0';
  const failId = `follow-tty-rb-${randomUUID().slice(0, 8)}`;
  const [ok, rolledBack] = await Promise.all([
    runUnderTerminal(['release', threeServices(seen.fleet, okId), '--follow'], {}, seen.watch),
    runUnderTerminal(['release', threeServices(failFleet, failId), '--follow']),
  ]);

  expect(ok.code).toBe(0);
  const redraws = [...ok.stdout.matchAll(CURSOR_UP)];
  // frames with db, api and web deploying, each held until shown, then the final one: 3 redraws at least
  expect(redraws.length).toBeGreaterThanOrEqual(3);
  for (const [, lines] of redraws) expect(lines).toBe('4'); // header + 3 services, moved over each time
  expect(ok.stdout).toContain('\x1b[2K');
  // the table, as the terminal shows it at the end
  const final = lastFrame(ok.stdout, 4);
  expect(final[0]).toMatch(new RegExp(`^release/test/${okId}  Succeeded  \\d+\\.\\ds  3/3 deployed$`));
  expect(final.slice(1)).toEqual([
    expect.stringMatching(/^ {2}db {3}Succeeded +2\.0\.0 \(was 1\.0\.0\) +\d+\.\ds$/),
    expect.stringMatching(/^ {2}api {2}Succeeded +2\.0\.0 \(was 1\.0\.0\) +\d+\.\ds$/),
    expect.stringMatching(/^ {2}web {2}Succeeded +2\.0\.0 \(was 1\.0\.0\) +\d+\.\ds$/),
  ]);
  // while it ran, a row showed a deploy in progress with its elapsed time
  expect(ok.stdout).toMatch(/ {2}api {2}Deploying +deploy 2\.0\.0 +\d+\.\ds/);
  // the report follows the table
  expect(ok.stdout).toContain(`release release/test/${okId}: Succeeded`);
  const plain = (line: string) => line.replace(/\r|\x1b\[[0-9;]*[A-Za-z]/g, '');
  const tableLines = ok.stdout.split('\n').filter((l) => l.includes('\x1b[2K')).map(plain);
  expect(tableLines.filter((l) => l.length >= COLUMNS)).toEqual([]); // a wrapped line would break the redraw

  expect(rolledBack.code).toBe(1);
  const rolledBackFinal = lastFrame(rolledBack.stdout, 4);
  expect(rolledBackFinal[0]).toMatch(new RegExp(`^release/test/${failId}  RolledBack  \\d+\\.\\ds  0/3 deployed  3 rolled back$`));
  expect(rolledBackFinal.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
    ['db', 'RolledBack'],
    ['api', 'RolledBack'],
    ['web', 'RolledBack'],
  ]);
  expect(rolledBackFinal[3]).toMatch(/back on 1\.0\.0 +\d+\.\ds {2}probe: health probe of web failed/);
  expect(rolledBackFinal[3]!.length).toBeLessThan(COLUMNS); // cut to the terminal's width
});

test('without a terminal (a pipe, CI=true, TERM=dumb): one plain line per change, no escape codes', async () => {
  const runs = await Promise.all(
    [
      (file: string, watch: OutputWatcher) => runCli(['release', file, '--follow'], env, 120_000, watch),
      (file: string, watch: OutputWatcher) => runUnderTerminal(['release', file, '--follow'], { CI: 'true' }, watch),
      (file: string, watch: OutputWatcher) => runUnderTerminal(['release', file, '--follow'], { TERM: 'dumb' }, watch),
    ].map((run, i) => {
      const { fleet, watch } = fleetSeenDeploying();
      return run(threeServices(fleet, `follow-plain-${i}-${randomUUID().slice(0, 8)}`), watch);
    }),
  );
  for (const run of runs) {
    expect(run.code).toBe(0);
    const output = run.stderr + run.stdout;
    expect(output).not.toContain('\x1b');
    const lines = output.split(/\r?\n/);
    expect(lines).toContain('release Deploying');
    expect(lines).toContain('  db Deploying (deploy running)');
    expect(lines).toContain('  web Succeeded (probe ok)');
    expect(lines).toContain('release Succeeded');
  }
});
