/**
 * Two worker processes poll the same task queue for a whole release: the steps are shared between
 * them, and still each is applied exactly once and the result is the same as with one worker.
 */
import { randomUUID } from 'node:crypto';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { FakeFleet } from '../support/fakeFleet';
import { recordFigures } from '../support/reliabilityFigures';
import type { WorkerProcess } from '../support/workerProcess';
import { workerProcessSuite } from '../support/workerProcessSuite';

const suite = workerProcessSuite();

/** Services whose deploy a worker process started, from its own log lines. */
function deploysRunBy(worker: WorkerProcess, releaseId: string): string[] {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; releaseId?: string; service?: string })
    .filter((entry) => entry.msg === 'deploy started' && entry.releaseId === releaseId)
    .map((entry) => entry.service!);
}

describe('two workers on the same task queue during a whole release', () => {
  test('Succeeded, every service on 2.0.0, each deploy applied once by one of the two workers', async () => {
    const taskQueue = `two-workers-${randomUUID()}`;
    await Promise.all([suite.start(taskQueue), suite.start(taskQueue)]);
    const names = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
    const fleet = new FakeFleet(Object.fromEntries(names.map((n) => [n, '1.0.0'])));
    fleet.env.DEPLOY_DELAY_MS = '300';
    const manifest = fleet.manifest(
      'two-workers',
      names.map((n, i) => fleet.service(n, '2.0.0', { dependsOn: i >= 4 ? [names[i - 4]!] : [] })),
    );
    const { handle } = await startRelease(suite.client, loadManifest(fleet.writeManifest(manifest)), taskQueue);
    const report = await handle.result();

    expect(report.status).toBe('Succeeded');
    expect(names.map((n) => fleet.version(n))).toEqual(names.map(() => '2.0.0'));
    expect([...fleet.applied()].sort()).toEqual(names.map((n) => `deploy ${n} 2.0.0`).sort());
    expect(fleet.events().filter((e) => e.startsWith('deploy-start'))).toHaveLength(names.length);
    expect(report.services.every((s) => s.steps.every((step) => step.outcome === 'ok' && (step.attempts ?? 1) === 1))).toBe(true);
    // dependencies held across workers: s5 deployed after s1, ...
    const order = fleet.applied().map((e) => e.split(' ')[1]!);
    names.slice(4).forEach((n, i) => expect(order.indexOf(n)).toBeGreaterThan(order.indexOf(names[i]!)));

    // both workers polled the queue for the whole release (neither exited); which one ran which step
    // is the server's choice: activities scheduled by a workflow task are usually dispatched eagerly
    // to the worker that ran it. Recorded for docs/RELIABILITY.md.
    expect(suite.workers.map((w) => w.child.exitCode)).toEqual([null, null]);
    const stepsBy = suite.workers.map((w) => deploysRunBy(w, 'two-workers'));
    expect(stepsBy.flat().sort()).toEqual([...names].sort());
    recordFigures('two-workers', { services: names.length, deploysByWorker: stepsBy.map((s) => s.length) });
  });
});
