/** `lockstep dev`: server and worker in the foreground; a release runs on it; Ctrl-C leaves nothing behind. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFleet } from '../support/fakeFleet';
import { LOCKSTEP_BIN, runCli } from '../support/runCli';
import { waitFor } from '../support/waitFor';
import { acceptsConnections, freePort } from '../../src/net/tcpPorts';

test('lockstep dev serves releases and stops server and worker on SIGINT', async () => {
  const port = await freePort();
  const uiPort = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lockstep-dev-')), 'dev.db');
  const dev = spawn(process.execPath, [LOCKSTEP_BIN, 'dev', '--port', String(port), '--ui-port', String(uiPort), '--db', db], {
    env: { ...process.env, LOCKSTEP_LOG_LEVEL: 'silent', LOCKSTEP_TASK_QUEUE: 'lockstep' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  dev.stdout.on('data', (c: Buffer) => (out += c.toString()));
  dev.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => dev.once('exit', (code) => r(code)));
  try {
    await waitFor(() => out.includes('Ctrl-C stops'), 'lockstep dev to be ready');
    expect(out).toContain(`Temporal gRPC: 127.0.0.1:${port}`);
    expect(out).toContain(`Web UI:        http://127.0.0.1:${uiPort}`);
    expect(await acceptsConnections(uiPort)).toBe(true);

    const fleet = new FakeFleet({ a: '1.0.0' });
    const file = fleet.writeManifest(fleet.manifest('dev-1', [fleet.service('a', '2.0.0')]));
    const release = await runCli(['release', file, '--wait'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, LOCKSTEP_TASK_QUEUE: 'lockstep' });
    expect(release.code).toBe(0);
    expect(fleet.version('a')).toBe('2.0.0');
  } finally {
    dev.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(await acceptsConnections(port)).toBe(false);
  expect(await acceptsConnections(uiPort)).toBe(false);
});
