/**
 * A deploy that fails after changing part of the system, while `current` still prints the old
 * version (as the README asks of `current`), is compensated: the rollback runs although `current`
 * already reads the version it restores, and undoes the half-applied change. Real Temporal server,
 * a real worker, the user-style script (command target) and real HTTP services (process target).
 */
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { FakeFleet } from '../support/fakeFleet';
import { ProcessFleet } from '../support/processFleet';
import { startTestWorker, type TestWorker } from '../support/testWorker';

// the crashing version must fail its start check however slowly node starts on a busy machine
const processFleet = new ProcessFleet({ startCheckMs: 5000 });
let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker({ activities: processFleet.activities() });
});
afterAll(async () => {
  await worker?.stop();
  await processFleet.stop();
});

async function run(fleet: FakeFleet | ProcessFleet, manifest: unknown): Promise<ReleaseReport> {
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  return handle.result();
}

const steps = (report: ReleaseReport, name: string) =>
  report.services.find((s) => s.name === name)!.steps.map((s) => `${s.step}:${s.outcome}`);

test('command: a deploy that applies its config and exits 1 (current still 1.0.0) is rolled back; the config is restored', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.HALF_APPLY_FAIL = 'b';
  const report = await run(fleet, fleet.manifest('half-applied-command', fleet.chain(['a', 'b'], '2.0.0')));

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'b', step: 'deploy' });
  expect(report.firstError!.message).toContain('config of b 2.0.0 applied; rollout refused');
  // both attempts of b's deploy half-applied; b's version never changed
  expect(fleet.events().filter((e) => e.startsWith('deploy-half'))).toEqual(['deploy-half b 2.0.0', 'deploy-half b 2.0.0']);
  // the rollback of b ran although `current` printed 1.0.0 all along
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback b 1.0.0', 'rollback a 1.0.0']);
  expect(steps(report, 'b')).toEqual(['current:ok', 'deploy:failed', 'rollback:ok', 'verify:ok']);
  expect(['a', 'b'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0']);
  expect(['a', 'b'].map((s) => fleet.config(s))).toEqual(['1.0.0', '1.0.0']);
  expect(report.compensationOrder).toEqual(['b', 'a']);
});

test('process: a new version whose process exits at once after the old one was stopped; RolledBack, the old version answers again', async () => {
  const api = await processFleet.service('api', '2.0.0', { '2.0.0': { crash: true } });
  await processFleet.deploy('api', '1.0.0');
  const before = await processFleet.served('api');
  expect(before?.version).toBe('1.0.0');
  const report = await run(processFleet, processFleet.manifest('half-applied-process', [api]));

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'api', step: 'deploy' });
  expect(report.firstError!.message).toContain('the process exited right after it started (exit code 1)');
  expect(steps(report, 'api')).toEqual(['current:ok', 'deploy:failed', 'rollback:ok', 'verify:ok']);
  // 1.0.0 was stopped for the deploy (two attempts of 2.0.0), then started again by the rollback
  expect(processFleet.starts('api')).toEqual(['1.0.0', '2.0.0', '2.0.0', '1.0.0']);
  expect(await processFleet.current('api')).toBe('1.0.0');
  const after = await processFleet.served('api');
  expect(after?.version).toBe('1.0.0');
  expect(after?.pid).not.toBe(before?.pid);
});
