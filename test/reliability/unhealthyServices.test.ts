/**
 * Services that misbehave after a deploy: down, slow, flapping (real HTTP services run by the
 * `process` target, test/fixtures/faulty-service.js), and a health check that hangs (a command
 * probe). Each release's outcome, the version every service runs afterwards (asked of the target
 * and of the service itself), and how often each version was started are asserted.
 */
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { FakeFleet } from '../support/fakeFleet';
import { ProcessFleet } from '../support/processFleet';
import { startTestWorker, type TestWorker } from '../support/testWorker';
import { isProcessAlive } from '../../src/targets/processGroup';

const fleet = new ProcessFleet();
let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker({ activities: fleet.activities() });
});
afterAll(async () => {
  await worker?.stop();
  await fleet.stop();
});

async function run(manifest: unknown, file: string, from: ProcessFleet | FakeFleet = fleet): Promise<ReleaseReport> {
  const { handle } = await startRelease(worker.client, loadManifest(from.writeManifest(manifest, file)), worker.taskQueue);
  return handle.result();
}

const service = (report: ReleaseReport, name: string) => report.services.find((s) => s.name === name)!;

/** Both the target's record and the service's own answer. */
async function runningVersion(name: string): Promise<{ target: string; served?: string }> {
  return { target: await fleet.current(name), served: (await fleet.served(name))?.version };
}

describe('a service that is down after its deploy', () => {
  test('the probe is refused until its timeout; RolledBack, the old version runs and answers again', async () => {
    const db = await fleet.service('db', '2.0.0');
    const api = await fleet.service('api', '2.0.0', { '2.0.0': { down: true } });
    api.dependsOn = ['db'];
    await Promise.all([fleet.deploy('db', '1.0.0'), fleet.deploy('api', '1.0.0')]);
    const report = await run(fleet.manifest('down', [db, api]), 'down.json');

    expect(report.status).toBe('RolledBack');
    expect(report.firstError).toMatchObject({ service: 'api', step: 'probe' });
    expect(report.firstError!.message).toMatch(/^health probe of api failed: not healthy after 2s \(\d+ attempts; last: GET http:\/\/127\.0\.0\.1:\d+\/healthz failed: connect ECONNREFUSED 127\.0\.0\.1:\d+( \(attempt \d+ was still running at the timeout\))?\)$/);
    expect(await runningVersion('db')).toEqual({ target: '1.0.0', served: '1.0.0' });
    expect(await runningVersion('api')).toEqual({ target: '1.0.0', served: '1.0.0' });
    expect(fleet.starts('db')).toEqual(['1.0.0', '2.0.0', '1.0.0']);
    expect(fleet.starts('api')).toEqual(['1.0.0', '2.0.0', '1.0.0']);
    expect(service(report, 'api').steps.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'current:ok',
      'deploy:ok',
      'probe:failed',
      'rollback:ok',
      'verify:ok',
    ]);
  });
});

describe('a service that answers slower than maxLatency', () => {
  test('each answer counts as unhealthy; RolledBack naming the latency, the old version runs again', async () => {
    // margins a busy machine cannot cross: 2.0.0 answers after 2.5 s, far above maxLatency; 1.0.0 answers
    // at once, far below it (its verify probe after the rollback must pass)
    const search = await fleet.service('search', '2.0.0', { '2.0.0': { slowMs: 2500 } }, { http: { url: '', maxLatency: '1s' }, timeout: '6s' });
    search.health!.http!.url = fleet.url('search', '/healthz');
    await fleet.deploy('search', '1.0.0');
    const report = await run(fleet.manifest('slow', [search]), 'slow.json');

    expect(report.status).toBe('RolledBack');
    expect(report.firstError).toMatchObject({ service: 'search', step: 'probe' });
    expect(report.firstError!.message).toMatch(/^health probe of search failed: not healthy after 6s \(\d+ attempts?; last: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/healthz in (\d+ms|\d+(\.\d)?s), slower than maxLatency 1s( \(attempt \d+ was still running at the timeout\))?\)$/);
    expect(await runningVersion('search')).toEqual({ target: '1.0.0', served: '1.0.0' });
    expect(fleet.starts('search')).toEqual(['1.0.0', '2.0.0', '1.0.0']);
    // 2.0.0 did answer 200 every time; only its latency failed it
    expect(fleet.healthAnswers('search', '2.0.0').length).toBeGreaterThanOrEqual(1);
    expect(new Set(fleet.healthAnswers('search', '2.0.0'))).toEqual(new Set([200]));
  });
});

describe('a service that flaps between healthy and unhealthy', () => {
  test('a failure resets successThreshold: passes only after 2 successes in a row; a service that keeps flapping is rolled back', async () => {
    const settles = await fleet.service('settles', '2.0.0', { '2.0.0': { flap: [200, 500, 200, 500, 200, 200] } }, { successThreshold: 2, timeout: '10s' });
    const flaps = await fleet.service('flaps', '2.0.0', { '2.0.0': { flap: [200, 500], repeat: true } }, { successThreshold: 2 });
    await Promise.all([fleet.deploy('settles', '1.0.0'), fleet.deploy('flaps', '1.0.0')]);
    const [settled, flapped] = await Promise.all([
      run(fleet.manifest('flap-settles', [settles]), 'settles.json'),
      run(fleet.manifest('flap-forever', [flaps]), 'flaps.json'),
    ]);

    expect(settled.status).toBe('Succeeded');
    // without the reset, the 1st and 3rd answers would have passed the gate
    expect(fleet.healthAnswers('settles', '2.0.0')).toEqual([200, 500, 200, 500, 200, 200]);
    expect(await runningVersion('settles')).toEqual({ target: '2.0.0', served: '2.0.0' });
    expect(fleet.starts('settles')).toEqual(['1.0.0', '2.0.0']);

    expect(flapped.status).toBe('RolledBack');
    expect(flapped.firstError!.message).toMatch(/^health probe of flaps failed: not healthy after 2s \(\d+ attempts/);
    const ofVersion2 = fleet.healthAnswers('flaps', '2.0.0');
    expect(ofVersion2.length).toBeGreaterThanOrEqual(4);
    expect(ofVersion2).toEqual(ofVersion2.map((_, i) => (i % 2 === 0 ? 200 : 500)));
    expect(fleet.healthAnswers('flaps', '1.0.0')).toEqual([200, 200]); // the verify probe after the rollback
    expect(await runningVersion('flaps')).toEqual({ target: '1.0.0', served: '1.0.0' });
    expect(fleet.starts('flaps')).toEqual(['1.0.0', '2.0.0', '1.0.0']);
  });
});

describe('a health check that hangs', () => {
  test('the probe timeout fires, the hung check and its grandchild are killed (not leaked); RolledBack, the old version runs', async () => {
    const fake = new FakeFleet({ web: '1.0.0' });
    fake.env.HANG_HEALTH = 'web@2.0.0';
    const manifest = fake.manifest('hung-probe', [fake.service('web', '2.0.0')]);
    manifest.spec.services[0]!.health!.timeout = '2s';
    const report = await run(manifest, 'hung.json', fake);

    expect(report.status).toBe('RolledBack');
    expect(report.firstError).toMatchObject({ service: 'web', step: 'probe' });
    expect(report.firstError!.message).toBe('health probe of web failed: not healthy after 2s (1 attempt; last: attempt 1 did not finish before the timeout)');
    const pids = fake.hungHealthPids();
    expect(pids).toHaveLength(2); // the check and the grandchild it started, both ignoring SIGTERM
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(fake.version('web')).toBe('1.0.0');
    expect(fake.applied()).toEqual(['deploy web 2.0.0', 'rollback web 1.0.0']);
  });
});
