/**
 * The worker process is killed with SIGKILL in the middle of a health probe and in the middle of a
 * rollback; another worker process finishes the release. (Killed during a deploy:
 * test/release/workerCrash.test.ts.) What was applied is what the deploy script itself logged.
 */
import { randomUUID } from 'node:crypto';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { FakeFleet } from '../support/fakeFleet';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';

const suite = workerProcessSuite();

const step = (report: ReleaseReport, service: string, name: string) =>
  report.services.find((s) => s.name === service)!.steps.find((s) => s.step === name)!;

/**
 * Starts the release on a worker process, kills that worker once `killWhen` holds (the step is
 * held there by the fleet), starts another, then lets the held step go.
 */
async function releaseWithWorkerKilled(fleet: FakeFleet, manifest: unknown, held: Parameters<FakeFleet['hold']>, killWhen: () => boolean, what: string): Promise<ReleaseReport> {
  const taskQueue = `killed-${randomUUID()}`;
  const first = await suite.start(taskQueue);
  fleet.hold(...held);
  const started = await startRelease(suite.client, loadManifest(fleet.writeManifest(manifest)), taskQueue);
  await waitFor(killWhen, what);
  await first.kill();
  await suite.start(taskQueue);
  fleet.letGo(...held);
  return started.handle.result();
}

// concurrent (one describe block, so jest starts both at once): each mostly waits out the 10 s
// heartbeat timeout of the killed worker's step
describe('worker killed (SIGKILL) mid-release; another worker process finishes it', () => {
  test.concurrent('during a health probe: another worker re-runs the probe; Succeeded, every service on 2.0.0, each deploy applied once', async () => {
    const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    // every probe of b says it started (the retry's is not held: the hold is lifted by then)
    fleet.env.HEALTH_DELAY_MS = '1';
    fleet.env.HEALTH_DELAY_FOR = 'b';
    const manifest = fleet.manifest('killed-probe', fleet.chain(['a', 'b', 'c'], '2.0.0'));
    manifest.spec.services[1]!.health!.timeout = '30s';
    const report = await releaseWithWorkerKilled(
      fleet,
      manifest,
      ['health', 'b'],
      () => fleet.events().some((e) => e.startsWith('health-start b 2.0.0')),
      'the probe of b to be under way',
    );
    expect(report.status).toBe('Succeeded');
    expect(['a', 'b', 'c'].map((s) => fleet.version(s))).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0', 'deploy c 2.0.0']);
    expect(fleet.events().filter((e) => e.startsWith('deploy-start'))).toHaveLength(3);
    // the probe of b ran on both workers: the first attempt died with its worker
    expect(fleet.events().filter((e) => e.startsWith('health-start b'))).toHaveLength(2);
    expect(step(report, 'b', 'probe')).toMatchObject({ outcome: 'ok', attempts: 2 });
    expect(step(report, 'b', 'deploy')).toMatchObject({ outcome: 'ok', attempts: 1 });
  });

  test.concurrent('during a rollback: the retry waits for the orphaned rollback, then runs it again (its outcome is unknown); RolledBack, every service on 1.0.0', async () => {
    const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    fleet.env.UNHEALTHY = 'c@2.0.0';
    // every rollback of b says it started, so the count below would show a second run
    fleet.env.ROLLBACK_DELAY_MS = '1';
    fleet.env.ROLLBACK_DELAY_FOR = 'b';
    const manifest = fleet.manifest('killed-rollback', fleet.chain(['a', 'b', 'c'], '2.0.0'));
    const report = await releaseWithWorkerKilled(
      fleet,
      manifest,
      ['rollback', 'b'],
      () => fleet.events().some((e) => e.startsWith('rollback-start b 1.0.0')),
      'the rollback of b to be under way',
    );
    expect(report.status).toBe('RolledBack');
    expect(report.firstError).toMatchObject({ service: 'c', step: 'probe' });
    expect(['a', 'b', 'c'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    // The orphan finished after its worker died, so no completion record says it succeeded:
    // `current` printing 1.0.0 proves nothing (a half-applied change reads the same), and the retry
    // runs the rollback again, after the orphan and never alongside it.
    expect(fleet.applied()).toEqual([
      'deploy a 2.0.0',
      'deploy b 2.0.0',
      'deploy c 2.0.0',
      'rollback c 1.0.0',
      'rollback b 1.0.0',
      'rollback b 1.0.0',
      'rollback a 1.0.0',
    ]);
    const b = fleet.events().filter((e) => /^rollback(-start)? b /.test(e));
    expect(b).toEqual(['rollback-start b 1.0.0', 'rollback b 1.0.0', 'rollback-start b 1.0.0', 'rollback b 1.0.0']);
    expect(step(report, 'b', 'rollback')).toMatchObject({ outcome: 'ok', attempts: 2 });
    expect(report.compensationOrder).toEqual(['c', 'b', 'a']);
    expect(report.services.map((s) => s.status)).toEqual(['RolledBack', 'RolledBack', 'RolledBack']);
  });
});
