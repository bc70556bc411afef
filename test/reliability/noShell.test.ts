/**
 * The command target and the command probe never go through a shell: arguments with command
 * substitution, separators, backticks, globs, redirections and variables reach the program
 * literally, and nothing they would do in a shell happens.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandTarget } from '../../src/manifest/schema';
import { createCommandProbe } from '../../src/probes/command/commandProbe';
import { createCommandTarget } from '../../src/targets/command/commandTarget';
import { stepContext } from '../targets/processChecks';

const PRINT_ARGV = resolve(__dirname, '..', 'fixtures', 'print-argv.js');
const HOSTILE = [
  '$(touch pwned-substitution)',
  '`touch pwned-backticks`',
  '; touch pwned-semicolon',
  '&& touch pwned-and',
  '| tee pwned-pipe',
  '> pwned-redirect',
  '*',
  '?',
  '[a-z]*',
  '~',
  '$HOME',
  '${PATH}',
  "'single quoted'",
  '"double quoted"',
  'new\nline',
  '\\',
  '#not a comment',
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-no-shell-'));
  writeFileSync(join(dir, 'a-file-a-glob-would-match'), '');
});

const filesIn = (d: string) => readdirSync(d).sort();

describe('no shell between Lockstep and the user\'s command', () => {
  test('the command target passes argv and env values literally; nothing a shell would do happens', async () => {
    const spec = CommandTarget.parse({
      kind: 'command',
      deploy: [PRINT_ARGV, ...HOSTILE],
      current: [process.execPath, '-e', '0'], // prints nothing: not deployed yet
      env: { LITERAL: '$(touch pwned-env) `touch pwned-env2` *' },
      cwd: dir,
    });
    const before = filesIn(dir);
    const output = await createCommandTarget(spec, { stateDir: mkdtempSync(join(tmpdir(), 'lockstep-no-shell-state-')) }).deploy(
      stepContext({ baseDir: dir, service: 'payments' }),
      { version: '$(touch pwned-version)', previousVersion: '' },
    );
    expect(output.noop).toBe(false);
    expect(JSON.parse(output.stdoutTail)).toEqual({
      argv: HOSTILE,
      env: { LITERAL: '$(touch pwned-env) `touch pwned-env2` *', LOCKSTEP_VERSION: '$(touch pwned-version)' },
    });
    expect(filesIn(dir)).toEqual(before); // no file created, none matched by a glob, nothing redirected
  });

  test('the program itself is not looked up through a shell: a program name with ";" and spaces is one literal file name', async () => {
    const spec = CommandTarget.parse({ kind: 'command', deploy: ['./deploy.sh'], current: ['./current; touch pwned'], cwd: dir });
    const failure = await createCommandTarget(spec, { stateDir: join(dir, 'state') })
      .current(stepContext({ baseDir: dir }))
      .then(() => undefined, (e: Error) => e.message);
    expect(failure).toBe(`current of payments failed: program ./current; touch pwned not found (looked in ${join(dir, 'current; touch pwned')}; cwd ${dir})`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  test('the command probe passes argv literally', async () => {
    const probe = createCommandProbe({ argv: [PRINT_ARGV, ...HOSTILE], cwd: dir, env: { LITERAL: '$(touch pwned-probe)' }, attemptTimeoutMs: 10_000 });
    const attempt = await probe.check(new AbortController().signal);
    expect(attempt.healthy).toBe(true);
    expect(JSON.parse(attempt.detail.slice(attempt.detail.indexOf(': ') + 2))).toEqual({ argv: HOSTILE, env: { LITERAL: '$(touch pwned-probe)' } });
    expect(attempt.detail.startsWith(`${PRINT_ARGV} exited 0: `)).toBe(true);
    expect(filesIn(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});
