/** One release at a time per environment: arrival order, Queued, --no-queue, and a lock never left held. */
import type { WorkflowHandle } from '@temporalio/client';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { lockWorkflowId } from '../../src/release/environmentLockIds';
import { abortUpdate, approveUpdate, statusQuery } from '../../workflows/messages';
import { lockStateQuery } from '../../workflows/environmentLockMessages';
import type { release } from '../../workflows/release';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();

type Handle = WorkflowHandle<typeof release>;

/** A release of service `a` to `version` in `environment`; `gated` holds it in AwaitingApproval until approved. */
async function start(fleet: FakeFleet, id: string, version: string, opts: { environment: string; gated?: boolean; queue?: boolean; fail?: boolean }) {
  const manifest = fleet.manifest(id, [fleet.service('a', version)], opts.gated ? { gates: [{ name: 'go', before: ['a'], timeout: '10m' }] } : {});
  manifest.metadata.environment = opts.environment;
  const started = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest, `${id}.json`)), worker.taskQueue, { queue: opts.queue });
  return started.handle;
}

const statusOf = async (handle: Handle) => (await handle.query(statusQuery)).status;
const waitStatus = (handle: Handle, status: string) =>
  waitFor(async () => (await statusOf(handle)) === status, `${handle.workflowId} to be ${status}`);

test('three releases of one environment run one at a time, in arrival order; the waiting ones show Queued', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const first = await start(fleet, 'q1', '2', { environment: 'queue-order', gated: true });
  await waitStatus(first, 'AwaitingApproval');
  const second = await start(fleet, 'q2', '3', { environment: 'queue-order' });
  await waitStatus(second, 'Queued');
  const third = await start(fleet, 'q3', '4', { environment: 'queue-order' });
  await waitStatus(third, 'Queued');

  expect((await second.query(statusQuery)).queue).toMatchObject({ behind: 'release/queue-order/q1', ahead: 1 });
  expect((await third.query(statusQuery)).queue).toMatchObject({ behind: 'release/queue-order/q1', ahead: 2 });
  // the search attribute says Queued too, so `lockstep list --status Queued` and the Web UI find them
  await waitFor(async () => {
    const ids: string[] = [];
    for await (const wf of worker.client.workflow.list({ query: `LockstepEnvironment = "queue-order" AND LockstepStatus = "Queued"` })) ids.push(wf.workflowId);
    return ids.sort().join(',') === 'release/queue-order/q2,release/queue-order/q3';
  }, 'both waiting releases to be listed as Queued');
  const lock = worker.client.workflow.getHandle(lockWorkflowId('queue-order', worker.taskQueue));
  expect(await lock.query(lockStateQuery)).toMatchObject({
    holder: { workflowId: 'release/queue-order/q1' },
    waiting: [{ workflowId: 'release/queue-order/q2' }, { workflowId: 'release/queue-order/q3' }],
  });

  await first.executeUpdate(approveUpdate, { args: [{ gate: 'go', by: 'alice' }] });
  const reports = [await first.result(), await second.result(), await third.result()];
  expect(reports.map((r) => r.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy a 3', 'deploy a 4']);
  // each started only after the one before it had ended
  expect(Date.parse(reports[1]!.queue!.grantedAt!)).toBeGreaterThanOrEqual(Date.parse(reports[0]!.endedAt!));
  expect(Date.parse(reports[2]!.queue!.grantedAt!)).toBeGreaterThanOrEqual(Date.parse(reports[1]!.endedAt!));
  expect(fleet.version('a')).toBe('4');
});

test('with queue: false a release for a busy environment is refused at once and touches nothing', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const holder = await start(fleet, 'nq1', '2', { environment: 'no-queue', gated: true });
  await waitStatus(holder, 'AwaitingApproval');
  const refused = await (await start(fleet, 'nq2', '3', { environment: 'no-queue', queue: false })).result();
  expect(refused.status).toBe('Rejected');
  expect(refused.firstError).toEqual({
    step: 'queue',
    message: 'environment "no-queue" is busy: release/no-queue/nq1 holds it; release without --no-queue to wait for its turn',
  });
  expect(refused.services[0]).toMatchObject({ status: 'Skipped', steps: [] });
  await holder.executeUpdate(approveUpdate, { args: [{ gate: 'go', by: 'alice' }] });
  expect((await holder.result()).status).toBe('Succeeded');
  // free again: queue: false runs at once
  expect((await (await start(fleet, 'nq3', '3', { environment: 'no-queue', queue: false })).result()).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy a 3']);
});

test('a terminated holder does not keep the environment: the next release gets its turn', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const holder = await start(fleet, 't1', '2', { environment: 'terminated', gated: true });
  await waitStatus(holder, 'AwaitingApproval');
  const next = await start(fleet, 't2', '3', { environment: 'terminated' });
  await waitStatus(next, 'Queued');
  await holder.terminate('operator gave up');
  expect((await next.result()).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 3']);
});

test('a Temporal cancel of the holder rolls it back and frees the environment', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const manifest = fleet.manifest('c1', [fleet.service('b', '2'), fleet.service('a', '2', { dependsOn: ['b'] })], {
    gates: [{ name: 'go', before: ['a'], timeout: '10m' }],
  });
  manifest.metadata.environment = 'cancelled';
  const holder = (await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest, 'c1.json')), worker.taskQueue)).handle;
  await waitStatus(holder, 'AwaitingApproval');
  const next = await start(fleet, 'c2', '3', { environment: 'cancelled' });
  await waitStatus(next, 'Queued');
  await holder.cancel();
  const cancelled = await holder.result();
  expect(cancelled.status).toBe('RolledBack');
  expect(cancelled.abort?.reason).toBe('cancel requested through Temporal');
  expect((await next.result()).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy b 2', 'rollback b 1', 'deploy a 3']);
});

test('a queued release that is aborted leaves the queue without touching anything; releases of other environments never wait', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const other = new FakeFleet({ a: '1' });
  const holder = await start(fleet, 'a1', '2', { environment: 'aborted-queue', gated: true });
  await waitStatus(holder, 'AwaitingApproval');
  const queued = await start(fleet, 'a2', '3', { environment: 'aborted-queue' });
  await waitStatus(queued, 'Queued');
  const last = await start(fleet, 'a3', '4', { environment: 'aborted-queue' });
  await waitStatus(last, 'Queued');

  expect(await queued.executeUpdate(abortUpdate, { args: [{ reason: 'not needed' }] })).toBe('abort accepted: nothing was touched yet; the release ends Rejected');
  const aborted = await queued.result();
  expect(aborted.status).toBe('Rejected');
  expect(aborted.firstError).toMatchObject({ step: 'abort' });

  expect((await (await start(other, 'o1', '2', { environment: 'elsewhere' })).result()).status).toBe('Succeeded');
  await holder.executeUpdate(approveUpdate, { args: [{ gate: 'go', by: 'alice' }] });
  expect((await holder.result()).status).toBe('Succeeded');
  expect((await last.result()).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy a 4']);
  const lock = worker.client.workflow.getHandle(lockWorkflowId('aborted-queue', worker.taskQueue));
  await waitFor(async () => {
    const state = await lock.query(lockStateQuery);
    return state.holder === undefined && state.waiting.length === 0;
  }, 'the lock to be free');
});
