/**
 * `release --follow` through real CLI processes and a real worker: on a terminal (a pseudo-terminal
 * from util-linux `script`) a table redrawn in place with ANSI cursor movement, ending with each
 * service's final status; without one (a pipe, CI=true, TERM=dumb) plain lines, no escape codes.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { LOCKSTEP_BIN, runCli, runProcess, type CliResult } from '../support/runCli';
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
function runUnderTerminal(args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  const command = `stty cols ${COLUMNS} rows 40; exec ${[process.execPath, LOCKSTEP_BIN, ...args].map(quote).join(' ')}`;
  return runProcess('script', ['-qfec', command, '/dev/null'], { LOCKSTEP_LOG_LEVEL: 'silent', TERM: 'xterm-256color', CI: '', ...env, ...extraEnv }, timeoutMs);
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

function slowFleet(): FakeFleet {
  const fleet = new FakeFleet({ db: '1.0.0', api: '1.0.0', web: '1.0.0' });
  fleet.env.DEPLOY_DELAY_MS = '700';
  return fleet;
}

function threeServices(fleet: FakeFleet, id: string): string {
  return fleet.writeManifest(
    fleet.manifest(id, [fleet.service('db', '2.0.0'), fleet.service('api', '2.0.0', { dependsOn: ['db'] }), fleet.service('web', '2.0.0', { dependsOn: ['api'] })]),
  );
}

test('on a terminal: a table redrawn in place (cursor up, clear line), ending with every service\'s final status', async () => {
  const okFleet = slowFleet();
  const okId = `follow-tty-${randomUUID().slice(0, 8)}`;
  const failFleet = slowFleet();
  failFleet.env.UNHEALTHY = 'web@2.0.0';
  const failId = `follow-tty-rb-${randomUUID().slice(0, 8)}`;
  const [ok, rolledBack] = await Promise.all([
    runUnderTerminal(['release', threeServices(okFleet, okId), '--follow']),
    runUnderTerminal(['release', threeServices(failFleet, failId), '--follow']),
  ]);

  expect(ok.code).toBe(0);
  const redraws = [...ok.stdout.matchAll(CURSOR_UP)];
  expect(redraws.length).toBeGreaterThanOrEqual(3); // at least one redraw per deploy of 700 ms at 500 ms polls
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
      (file: string) => runCli(['release', file, '--follow'], env),
      (file: string) => runUnderTerminal(['release', file, '--follow'], { CI: 'true' }),
      (file: string) => runUnderTerminal(['release', file, '--follow'], { TERM: 'dumb' }),
    ].map((run, i) => {
      const fleet = slowFleet();
      return run(threeServices(fleet, `follow-plain-${i}-${randomUUID().slice(0, 8)}`));
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
