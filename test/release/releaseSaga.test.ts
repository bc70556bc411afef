/**
 * The release saga against the real Temporal server, a real worker and a user-style deploy
 * script (command target). What is asserted is what the script itself recorded.
 */
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { abortSignal } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();

async function start(fleet: FakeFleet, manifest: unknown) {
  const loaded = loadManifest(fleet.writeManifest(manifest));
  return startRelease(worker.client, loaded, worker.taskQueue);
}

async function run(fleet: FakeFleet, manifest: unknown): Promise<ReleaseReport> {
  return (await start(fleet, manifest)).handle.result();
}

const service = (report: ReleaseReport, name: string) => report.services.find((s) => s.name === name)!;

test('a release of a small graph succeeds: dependencies first, every service on its new version', async () => {
  const fleet = new FakeFleet({ db: '1.0.0', api: '1.0.0', web: '1.0.0' });
  const report = await run(
    fleet,
    fleet.manifest('ok-1', [
      fleet.service('web', '2.0.0', { dependsOn: ['api'] }),
      fleet.service('db', '2.0.0'),
      fleet.service('api', '2.0.0', { dependsOn: ['db'] }),
    ]),
  );
  expect(report.status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy db 2.0.0', 'deploy api 2.0.0', 'deploy web 2.0.0']);
  expect(['db', 'api', 'web'].map((s) => fleet.version(s))).toEqual(['2.0.0', '2.0.0', '2.0.0']);
  expect(service(report, 'api')).toMatchObject({ status: 'Succeeded', previousVersion: '1.0.0', runningVersion: '2.0.0' });
  expect(service(report, 'api').steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['current:ok', 'deploy:ok', 'probe:ok']);
  expect(report.compensationOrder).toEqual([]);
  // the script saw the contract's environment
  expect(fleet.events().find((e) => e.startsWith('deploy api'))).toBe('deploy api 2.0.0 from=1.0.0 release=ok-1 env=test');
});

test('a failure at the third service of a chain compensates in exact reverse order', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0', d: '1.0.0' });
  fleet.env.UNHEALTHY = 'c@2.0.0';
  const report = await run(
    fleet,
    fleet.manifest('chain-1', fleet.chain(['a', 'b', 'c', 'd'], '2.0.0')),
  );
  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'c', step: 'probe' });
  expect(fleet.applied()).toEqual([
    'deploy a 2.0.0',
    'deploy b 2.0.0',
    'deploy c 2.0.0',
    'rollback c 1.0.0',
    'rollback b 1.0.0',
    'rollback a 1.0.0',
  ]);
  expect(report.compensationOrder).toEqual(['c', 'b', 'a']);
  expect(['a', 'b', 'c', 'd'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  expect(service(report, 'd').status).toBe('Skipped');
  // restored services were probed again
  expect(service(report, 'a').steps.map((s) => s.step)).toEqual(['current', 'deploy', 'probe', 'rollback', 'verify']);
  expect(report.totals.rollbackMs).toBeGreaterThan(0);
});

test('a failure in one of two parallel branches cancels the sibling in flight and compensates it', async () => {
  const fleet = new FakeFleet({ root: '1.0.0', slow: '1.0.0', broken: '1.0.0' });
  fleet.hold('deploy', 'slow'); // never let go: only the cancellation can end it
  fleet.env.FAIL_DEPLOY = 'broken';
  const report = await run(
    fleet,
    fleet.manifest('branches-1', [
      fleet.service('root', '2.0.0'),
      fleet.service('slow', '2.0.0', { dependsOn: ['root'] }),
      fleet.service('broken', '2.0.0', { dependsOn: ['root'] }),
    ]),
  );
  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'broken', step: 'deploy' });
  expect(report.firstError!.message).toContain('quota exceeded');
  expect(service(report, 'slow').steps.find((s) => s.step === 'deploy')?.outcome).toBe('cancelled');
  expect(fleet.events().some((e) => e.startsWith('deploy-start slow'))).toBe(true);
  expect(fleet.applied()).not.toContain('deploy slow 2.0.0');
  // the deploys of slow (cancelled mid-way) and broken (failed) started: both are rolled back
  expect(fleet.applied()).toEqual(expect.arrayContaining(['rollback slow 1.0.0', 'rollback broken 1.0.0', 'rollback root 1.0.0']));
  expect(report.compensationOrder).toEqual(expect.arrayContaining(['slow', 'broken', 'root']));
  expect(report.compensationOrder[2]).toBe('root');
  expect(['root', 'slow', 'broken'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0']);
});

test('a deploy that times out after half-applying is compensated', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.HALF_APPLY_HANG = 'b';
  const manifest = fleet.manifest('half-1', [
    fleet.service('a', '2.0.0'),
    fleet.service('b', '2.0.0', { dependsOn: ['a'], timeout: '2s' }),
  ]);
  manifest.spec.retries = { deployAttempts: 1, rollbackAttempts: 3, initialInterval: '100ms' };
  const report = await run(fleet, manifest);
  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'b', step: 'deploy' });
  expect(report.firstError!.message).toMatch(/timed out/);
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0', 'rollback b 1.0.0', 'rollback a 1.0.0']);
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['1.0.0', '1.0.0']);
});

test('a compensation that fails on every attempt ends RollbackFailed naming it; the others still run', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
  fleet.env.UNHEALTHY = 'c@2.0.0';
  fleet.env.FAIL_ROLLBACK = 'b';
  const report = await run(
    fleet,
    fleet.manifest('rbfail-1', fleet.chain(['a', 'b', 'c'], '2.0.0')),
  );
  expect(report.status).toBe('RollbackFailed');
  expect(report.rollbackFailures).toEqual([expect.objectContaining({ service: 'b', step: 'rollback' })]);
  expect(report.rollbackFailures[0]!.message).toContain('registry unreachable');
  expect(fleet.events().filter((e) => e === 'rollback-failed b')).toHaveLength(3); // rollbackAttempts
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0', 'deploy c 2.0.0', 'rollback c 1.0.0', 'rollback a 1.0.0']);
  expect([fleet.version('a'), fleet.version('b'), fleet.version('c')]).toEqual(['1.0.0', '2.0.0', '1.0.0']);
  expect(service(report, 'b').status).toBe('RollbackFailed');
});

test('an abort signal mid-release rolls back what was done', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.hold('deploy', 'b'); // never let go: only the abort ends it
  const started = await start(
    fleet,
    fleet.manifest('abort-1', [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]),
  );
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b to start deploying');
  await started.handle.signal(abortSignal, { reason: 'pager went off' });
  const report = await started.handle.result();
  expect(report.status).toBe('RolledBack');
  expect(report.abort?.reason).toBe('pager went off');
  expect(report.firstError).toMatchObject({ step: 'abort' });
  // b's deploy started (and was cancelled mid-way): it is rolled back too, though `current` says 1.0.0
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback b 1.0.0', 'rollback a 1.0.0']);
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['1.0.0', '1.0.0']);
});

test('a rollback of a first deploy removes the service', async () => {
  const fleet = new FakeFleet({ old: '1.0.0' });
  fleet.env.FAIL_DEPLOY = 'old';
  const report = await run(
    fleet,
    fleet.manifest('first-1', [fleet.service('fresh', '1.0.0'), fleet.service('old', '2.0.0', { dependsOn: ['fresh'] })]),
  );
  expect(report.status).toBe('RolledBack');
  expect(service(report, 'fresh').previousVersion).toBe('');
  // old's failed deploy is rolled back to 1.0.0 (it may have half-applied), then fresh is removed
  expect(fleet.applied()).toEqual(['deploy fresh 1.0.0', 'rollback old 1.0.0', 'rollback fresh (removed)']);
  expect(fleet.version('fresh')).toBe('');
});
