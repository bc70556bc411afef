/**
 * The preflight's program check against real files: missing, not executable, a directory, a bare
 * name on PATH, a path relative to the target's cwd, a missing cwd. Through the activity itself.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createProgramCheckActivities } from '../../activities/programCheckActivities';
import type { ServicePrograms } from '../../src/targets/programChecks';

const { checkPrograms } = createProgramCheckActivities({ logger: pino({ level: 'silent' }) });

function fixture(): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-programs-'));
  const bin = join(dir, 'bin');
  mkdirSync(join(dir, 'deploy'));
  mkdirSync(bin);
  const script = (file: string, mode: number) => {
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, mode);
  };
  script(join(dir, 'deploy', 'deploy.sh'), 0o755);
  script(join(dir, 'deploy', 'notexec.sh'), 0o644);
  script(join(dir, 'check.sh'), 0o755);
  script(join(bin, 'kubectl-fake'), 0o755);
  script(join(bin, 'helm-fake'), 0o644);
  mkdirSync(join(dir, 'deploy', 'adir'));
  return { dir, bin };
}

const command = (deploy: string, extra: Record<string, unknown> = {}) =>
  ({ kind: 'command', deploy: [deploy, 'x'], current: ['./deploy.sh', 'current'], timeout: '5m', cwd: './deploy', ...extra }) as ServicePrograms['target'];

test('a sound service has no findings; every program and the cwd are listed as checked', async () => {
  const { dir, bin } = fixture();
  const services: ServicePrograms[] = [
    {
      service: 'payments',
      version: '2.0.0',
      target: command('./deploy.sh', { rollback: ['kubectl-fake', 'rollout', 'undo'], env: { PATH: bin } }),
      health: { command: ['./check.sh'], successThreshold: 1, interval: '1s', timeout: '30s' },
    },
  ];
  const result = await checkPrograms({ releaseId: 'r', baseDir: dir, services });
  expect(result.findings).toEqual([]);
  expect(result.checked).toEqual([
    { service: 'payments', what: 'cwd', path: join(dir, 'deploy') },
    { service: 'payments', what: 'deploy', path: join(dir, 'deploy', 'deploy.sh') },
    { service: 'payments', what: 'rollback', path: join(bin, 'kubectl-fake') },
    { service: 'payments', what: 'current', path: join(dir, 'deploy', 'deploy.sh') },
    { service: 'payments', what: 'probe', path: join(dir, 'check.sh') },
  ]);
});

test('missing, not executable, a directory, not on PATH: one finding each, naming the service and the path', async () => {
  const { dir, bin } = fixture();
  const services: ServicePrograms[] = [
    { service: 'typo', version: '1', target: command('./deplyo.sh') },
    { service: 'noexec', version: '1', target: command('./notexec.sh') },
    { service: 'dir', version: '1', target: command('./adir') },
    { service: 'bare', version: '1', target: command('no-such-tool-lockstep', { rollback: ['helm-fake'], env: { PATH: bin } }) },
    { service: 'absolute', version: '1', target: command(join(dir, 'missing', 'deploy.sh')) },
    { service: 'probe', version: '1', target: { kind: 'simulated', latency: '0ms', jitter: 0, fail: [], initialVersion: '' }, health: { command: ['./nope.sh'], successThreshold: 1, interval: '1s', timeout: '30s' } },
  ];
  const { findings } = await checkPrograms({ releaseId: 'r', baseDir: dir, services });
  expect(findings).toEqual([
    { service: 'typo', what: 'deploy', path: join(dir, 'deploy', 'deplyo.sh'), problem: 'does not exist' },
    { service: 'noexec', what: 'deploy', path: join(dir, 'deploy', 'notexec.sh'), problem: 'is not executable' },
    { service: 'dir', what: 'deploy', path: join(dir, 'deploy', 'adir'), problem: 'is a directory' },
    { service: 'bare', what: 'deploy', path: 'no-such-tool-lockstep', problem: `not found on PATH (${bin})` },
    { service: 'bare', what: 'rollback', path: join(bin, 'helm-fake'), problem: 'is not executable' },
    { service: 'absolute', what: 'deploy', path: join(dir, 'missing', 'deploy.sh'), problem: 'does not exist' },
    { service: 'probe', what: 'probe', path: join(dir, 'nope.sh'), problem: 'does not exist' },
  ]);
});

test("a missing cwd is one finding (not one per program under it); a process target's start gets its version", async () => {
  const { dir } = fixture();
  writeFileSync(join(dir, 'server-2.0.0'), '#!/bin/sh\n');
  chmodSync(join(dir, 'server-2.0.0'), 0o755);
  const services: ServicePrograms[] = [
    { service: 'gone', version: '1', target: command('./deploy.sh', { cwd: './no-such-dir' }) },
    { service: 'file', version: '1', target: command('./deploy.sh', { cwd: './check.sh' }) },
    { service: 'web', version: '2.0.0', target: { kind: 'process', start: ['./server-{{version}}', '--port', '1'], stopTimeout: '5s' } },
    { service: 'web3', version: '3.0.0', target: { kind: 'process', start: ['./server-{{version}}'], stopTimeout: '5s' } },
  ];
  const { findings } = await checkPrograms({ releaseId: 'r', baseDir: dir, services });
  expect(findings).toEqual([
    { service: 'gone', what: 'cwd', path: join(dir, 'no-such-dir'), problem: 'does not exist' },
    { service: 'file', what: 'cwd', path: join(dir, 'check.sh'), problem: 'is not a directory' },
    { service: 'web3', what: 'start', path: join(dir, 'server-3.0.0'), problem: 'does not exist' },
  ]);
});
