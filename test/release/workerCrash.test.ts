/**
 * The worker process is killed with SIGKILL in the middle of a deploy; a new worker finishes the
 * release, and no deploy is applied twice (the deploy script's own log is the witness).
 */
import { randomUUID } from 'node:crypto';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';

const taskQueue = `crash-${randomUUID()}`;
const suite = workerProcessSuite();

test('a worker killed mid-deploy: another worker completes the release, each deploy applied once', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
  fleet.hold('deploy', 'b'); // until the worker running it has been killed and replaced
  const manifest = fleet.manifest('crash-1', fleet.chain(['a', 'b', 'c'], '2.0.0'));
  await suite.start(taskQueue);
  const started = await startRelease(suite.client, loadManifest(fleet.writeManifest(manifest)), taskQueue);

  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b to start deploying');
  await suite.workers[0]!.kill();
  await suite.start(taskQueue);
  fleet.letGo('deploy', 'b');

  const report = await started.handle.result();
  expect(report.status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0', 'deploy c 2.0.0']);
  expect(fleet.events().filter((e) => e.startsWith('deploy-start b'))).toHaveLength(1);
  const deployOfB = report.services.find((s) => s.name === 'b')!.steps.find((s) => s.step === 'deploy')!;
  expect(deployOfB.attempts).toBe(2); // the second attempt found 2.0.0 applied and did nothing
  expect(deployOfB.outcome).toBe('noop');
  expect(['a', 'b', 'c'].map((s) => fleet.version(s))).toEqual(['2.0.0', '2.0.0', '2.0.0']);
});
