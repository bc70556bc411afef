/**
 * What `--help` promises works: every file an example in any command's help names is shipped and
 * `lockstep plan` accepts it, and `lockstep --version` prints the package's version. Through the
 * real CLI, from the repository root (where the help's relative paths point).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from '../support/runCli';

const REPO = resolve(__dirname, '..', '..');

/** The command names `lockstep --help` lists. */
function commandsOf(help: string): string[] {
  const section = help.slice(help.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

test('every manifest named in a help text exists and `lockstep plan` accepts it', async () => {
  const top = await runCli(['--help']);
  expect(top.code).toBe(0);
  const commands = commandsOf(top.stdout);
  expect(commands).toEqual(expect.arrayContaining(['plan', 'release', 'rehearse', 'dev', 'temporal']));
  const helps = await Promise.all(commands.map((command) => runCli([command, '--help'])));
  const named = new Set<string>();
  for (const help of helps) {
    expect(help.code).toBe(0);
    for (const match of help.stdout.matchAll(/(?<![\w/.-])([\w.-]+\/[\w./-]+\.(?:ya?ml|json))\b/g)) named.add(match[1]!);
  }
  expect([...named]).toContain('examples/checkout.yaml');
  for (const file of named) {
    expect({ file, exists: existsSync(join(REPO, file)) }).toEqual({ file, exists: true });
    const plan = await runCli(['plan', join(REPO, file)]);
    expect({ file, code: plan.code, stderr: plan.stderr }).toEqual({ file, code: 0, stderr: '' });
    expect(plan.stdout).toMatch(/^release .* to demo: \d+ services/);
  }
});

test('`lockstep --version` prints the version in package.json', async () => {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = await runCli([flag]);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  }
});
