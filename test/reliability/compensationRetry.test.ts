/** A compensation that fails twice and then succeeds: retried, not given up on, and reported with its attempts. */
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();

describe('a compensation that fails twice, then succeeds', () => {
  test('RolledBack (not RollbackFailed); its rollback step shows 3 attempts; every service on 1.0.0, each step applied once', async () => {
    const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    fleet.env.UNHEALTHY = 'b@2.0.0';
    fleet.env.FAIL_ROLLBACK_TIMES = '2';
    fleet.env.FAIL_ROLLBACK_COUNTER = join(fleet.dir, 'rollback-calls');
    const manifest = fleet.manifest('flaky-compensation', [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]);
    manifest.spec.services[1]!.health!.timeout = '1s';
    manifest.spec.retries = { deployAttempts: 2, rollbackAttempts: 5, initialInterval: '100ms' };
    const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
    const report = await handle.result();

    expect(report.status).toBe('RolledBack');
    expect(report.rollbackFailures).toEqual([]);
    const rollbackOfB = report.services.find((s) => s.name === 'b')!.steps.find((s) => s.step === 'rollback')!;
    expect(rollbackOfB).toMatchObject({ outcome: 'ok', attempts: 3, version: '1.0.0' });
    const rollbackOfA = report.services.find((s) => s.name === 'a')!.steps.find((s) => s.step === 'rollback')!;
    expect(rollbackOfA).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(fleet.events().filter((e) => /^(deploy|rollback)/.test(e) && !e.startsWith('deploy-start'))).toEqual([
      expect.stringMatching(/^deploy a 2\.0\.0 /),
      expect.stringMatching(/^deploy b 2\.0\.0 /),
      'rollback-failed b',
      'rollback-failed b',
      'rollback b 1.0.0',
      'rollback a 1.0.0',
    ]);
    expect([fleet.version('a'), fleet.version('b')]).toEqual(['1.0.0', '1.0.0']);
    // the restored services were probed again and found healthy
    expect(report.services.map((s) => s.steps.at(-1))).toEqual([
      expect.objectContaining({ step: 'verify', outcome: 'ok' }),
      expect.objectContaining({ step: 'verify', outcome: 'ok' }),
    ]);
  });
});
