/** The command probe and createProbe with a real check script (test/fixtures/probes/check-status.sh). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCommandProbe } from '../../src/probes/command/commandProbe';
import { createProbe } from '../../src/probes/createProbe';
import { Health } from '../../src/manifest/schema';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'probes');
const never = new AbortController().signal;
let dir: string;
let statusFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-probe-'));
  statusFile = join(dir, 'status');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const probe = () =>
  createCommandProbe({ argv: ['./check-status.sh'], cwd: FIXTURES, env: { CHECK_STATUS_FILE: statusFile }, attemptTimeoutMs: 5000 });

test('exit 0 is healthy', async () => {
  writeFileSync(statusFile, '0');
  expect(await probe().check(never)).toMatchObject({ healthy: true, detail: './check-status.sh exited 0: all good' });
});

test('a non-zero exit is unhealthy, with the last line of stderr', async () => {
  writeFileSync(statusFile, '4');
  expect(await probe().check(never)).toMatchObject({ healthy: false, detail: './check-status.sh exited 4: database unreachable' });
});

test('a check that cannot run is unhealthy with the reason (not an exception)', async () => {
  const attempt = await createCommandProbe({ argv: ['./missing-check.sh'], cwd: FIXTURES, attemptTimeoutMs: 5000 }).check(never);
  expect(attempt.healthy).toBe(false);
  expect(attempt.detail).toMatch(/program \.\/missing-check\.sh not found/);
});

test('a hanging check is cut off at the attempt timeout', async () => {
  const attempt = await createCommandProbe({ argv: ['sleep', '300'], cwd: dir, attemptTimeoutMs: 300 }).check(never);
  expect(attempt).toMatchObject({ healthy: false, detail: 'sleep: timed out after 300ms' });
});

test('createProbe resolves the command against the base directory (the manifest directory)', async () => {
  process.env.CHECK_STATUS_FILE = statusFile;
  try {
    writeFileSync(statusFile, '0');
    const health = Health.parse({ command: ['./check-status.sh'] });
    expect((await createProbe(health, FIXTURES).check(never)).healthy).toBe(true);
    writeFileSync(statusFile, '1');
    expect((await createProbe(health, FIXTURES).check(never)).healthy).toBe(false);
  } finally {
    delete process.env.CHECK_STATUS_FILE;
  }
});
