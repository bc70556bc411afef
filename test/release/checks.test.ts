/**
 * Checks decide commit or roll back (DESIGN.md, "Checks"): at each moment, against the real
 * Temporal server, a real worker, a user-style deploy script and a user-style check script
 * (test/fixtures/fake-check.js, which records every run and the versions it was shown).
 */
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statusQuery } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { waitFor } from '../support/waitFor';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();

async function run(fleet: FakeFleet, manifest: unknown): Promise<ReleaseReport> {
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  return handle.result();
}

const check = (report: ReleaseReport, name: string) => report.checks!.find((c) => c.name === name)!;
const runs = (report: ReleaseReport, name: string) => check(report, name).runs.map((r) => `${r.moment}:${r.status}`);

test('a failing preflight check rejects the release with nothing touched, naming the check', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.FAIL_CHECK_WHEN = 'b@2.0.0';
  const report = await run(fleet, fleet.manifest('check-preflight', fleet.chain(['a', 'b'], '2.0.0'), { checks: [fleet.check('contracts', { when: 'preflight' })] }));

  expect(report.status).toBe('Rejected');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'contracts' });
  expect(report.firstError!.message).toBe('check "contracts" failed: exit code 1: order flow broken while b 2.0.0 runs');
  expect(fleet.applied()).toEqual([]);
  expect(fleet.checkRuns()).toEqual(['check contracts preflight 1 a=2.0.0,b=2.0.0']);
  expect(check(report, 'contracts')).toMatchObject({ kind: 'command', when: 'preflight', status: 'failed' });
  expect(check(report, 'contracts').findings).toEqual([{ item: expect.stringContaining('fake-check.js'), status: 'failed', message: 'exit code 1: order flow broken while b 2.0.0 runs' }]);
});

test('an after check runs once its services are up and holds their dependents; passing, the release goes on', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
  const report = await run(fleet, fleet.manifest('check-after-ok', fleet.chain(['a', 'b', 'c'], '2.0.0'), { checks: [fleet.check('a-contract', { when: { after: ['a'] } })] }));

  expect(report.status).toBe('Succeeded');
  const order = fleet.events().filter((e) => /^(deploy|check) /.test(e)).map((e) => e.split(' ').slice(0, 3).join(' '));
  expect(order).toEqual(['deploy a 2.0.0', 'check a-contract after', 'deploy b 2.0.0', 'deploy c 2.0.0']);
  expect(runs(report, 'a-contract')).toEqual(['after:passed']);
  expect(check(report, 'a-contract').when).toBe('after a');
});

test('a failing after check rolls back what was deployed before any dependent moved', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.FAIL_CHECK_WHEN = 'a@2.0.0';
  const report = await run(fleet, fleet.manifest('check-after-fail', fleet.chain(['a', 'b'], '2.0.0'), { checks: [fleet.check('a-contract', { when: { after: ['a'] } })] }));

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'a-contract' });
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback a 1.0.0']);
  expect(report.services.find((s) => s.name === 'b')!.status).toBe('Skipped');
  expect(['a', 'b'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0']);
});

test('a final check that fails rolls all three services back; the transaction re-runs after the rollback and passes on the old versions', async () => {
  const fleet = new FakeFleet({ db: '1.0.0', api: '1.0.0', web: '1.0.0' });
  fleet.env.FAIL_CHECK_WHEN = 'web@2.0.0';
  const report = await run(
    fleet,
    fleet.manifest('check-final-fail', fleet.chain(['db', 'api', 'web'], '2.0.0'), { checks: [fleet.check('checkout-flow', { alsoAfterRollback: true })] }),
  );

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'checkout-flow' });
  expect(fleet.applied()).toEqual(['deploy db 2.0.0', 'deploy api 2.0.0', 'deploy web 2.0.0', 'rollback web 1.0.0', 'rollback api 1.0.0', 'rollback db 1.0.0']);
  expect(fleet.checkRuns()).toEqual([
    'check checkout-flow final 1 db=2.0.0,api=2.0.0,web=2.0.0',
    'check checkout-flow afterRollback 2 db=1.0.0,api=1.0.0,web=1.0.0',
  ]);
  expect(runs(report, 'checkout-flow')).toEqual(['final:failed', 'afterRollback:passed']);
  expect(check(report, 'checkout-flow')).toMatchObject({ status: 'passed', when: 'final', alsoAfterRollback: true });
  expect(['db', 'api', 'web'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0']);
});

test('a bake that fails on its third run rolls back', async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  fleet.env.FAIL_CHECK_RUNS = 'soak:3';
  const report = await run(fleet, fleet.manifest('check-bake-fail', [fleet.service('a', '2.0.0')], { checks: [fleet.check('soak', { bake: '1h', interval: '100ms' })] }));

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ step: 'check', check: 'soak' });
  expect(report.firstError!.message).toBe('check "soak" failed: exit code 1: run 3 of soak failed (during the bake)');
  expect(runs(report, 'soak')).toEqual(['final:passed', 'bake:passed', 'bake:failed']);
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback a 1.0.0']);
});

test('a bake that keeps passing ends Succeeded after at least one round', async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  const report = await run(fleet, fleet.manifest('check-bake-ok', [fleet.service('a', '2.0.0')], { checks: [fleet.check('soak', { bake: '1s', interval: '100ms' })] }));

  expect(report.status).toBe('Succeeded');
  const moments = runs(report, 'soak');
  expect(moments[0]).toBe('final:passed');
  expect(moments.length).toBeGreaterThanOrEqual(2);
  expect(moments.slice(1).every((m) => m === 'bake:passed')).toBe(true);
  expect(fleet.applied()).toEqual(['deploy a 2.0.0']);
});

test('an afterRollback check that fails ends RollbackFailed, naming it; checks whose moment never came are skipped', async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  fleet.env.FAIL_DEPLOY = 'a';
  fleet.env.FAIL_CHECK_WHEN = 'a@1.0.0';
  const report = await run(
    fleet,
    fleet.manifest('check-after-rollback', [fleet.service('a', '2.0.0')], { checks: [fleet.check('restored', { when: 'afterRollback' }), fleet.check('flow')] }),
  );

  expect(report.status).toBe('RollbackFailed');
  expect(report.firstError).toMatchObject({ service: 'a', step: 'deploy' });
  expect(report.rollbackFailures).toEqual([{ step: 'check', check: 'restored', message: 'check "restored" failed after the rollback: exit code 1: order flow broken while a 1.0.0 runs' }]);
  expect(check(report, 'flow').status).toBe('skipped');
  expect(fleet.version('a')).toBe('1.0.0');
});

test("a command check whose program does not exist rejects the release in preflight, naming the check and the path", async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  const report = await run(fleet, fleet.manifest('check-missing-program', [fleet.service('a', '2.0.0')], { checks: [{ name: 'smoke', kind: 'command', run: ['./smoek.sh'] }] }));

  expect(report.status).toBe('Rejected');
  expect(report.firstError).toMatchObject({ step: 'preflight', check: 'smoke' });
  expect(report.firstError!.message).toBe(`check smoke: check program ${fleet.dir}/smoek.sh does not exist`);
  expect(fleet.applied()).toEqual([]);
  expect(report.checks![0]!.status).toBe('skipped');
});

test('while only an after check runs the release is Verifying; its dependents wait', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.CHECK_HOLD_FILE = 'hold-check';
  writeFileSync(join(fleet.dir, 'hold-check'), '');
  const { handle } = await startRelease(
    worker.client,
    loadManifest(fleet.writeManifest(fleet.manifest('check-verifying', fleet.chain(['a', 'b'], '2.0.0'), { checks: [fleet.check('a-contract', { when: { after: ['a'] } })] }))),
    worker.taskQueue,
  );
  await waitFor(async () => (await handle.query(statusQuery)).status === 'Verifying', 'the release to be Verifying');
  const live = await handle.query(statusQuery);
  expect(live.checks![0]!.status).toBe('running');
  expect(fleet.applied()).toEqual(['deploy a 2.0.0']);
  rmSync(join(fleet.dir, 'hold-check'));
  const report = await handle.result();
  expect(report.status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0']);
});
