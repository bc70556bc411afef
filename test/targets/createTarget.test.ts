/** createTarget picks the adapter by kind; each answers through its own mechanism. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Target } from '../../src/manifest/schema';
import { createTarget } from '../../src/targets/createTarget';
import { processStatePath } from '../../src/targets/process/processTarget';
import { stepContext } from './processChecks';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'targets');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-create-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a command target runs the current command', async () => {
  const stateFile = join(dir, 'version');
  writeFileSync(stateFile, '4.2.0');
  const spec = Target.parse({
    kind: 'command',
    deploy: ['./versioned-tool.js'],
    current: ['./versioned-tool.js'],
    env: { TOOL_STATE: stateFile },
  });
  expect(await createTarget(spec, { stateDir: dir }).current(stepContext({ baseDir: FIXTURES }))).toBe('4.2.0');
});

test('a process target reads its state under <stateDir>/processes', async () => {
  const spec = Target.parse({ kind: 'process', start: ['./http-service.js', '1', '{{version}}'] });
  const file = processStatePath(join(dir, 'processes'), 'test', 'payments');
  const target = createTarget(spec, { stateDir: dir });
  expect(await target.current(stepContext({ baseDir: FIXTURES, environment: 'test', service: 'payments' }))).toBe('');
  // a recorded process that is alive: this very test process
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, version: '9.9.9', startedAt: new Date().toISOString(), argv: [] }));
  expect(await target.current(stepContext({ baseDir: FIXTURES, environment: 'test', service: 'payments' }))).toBe('9.9.9');
});
