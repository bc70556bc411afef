/** Concurrency bound, approval gates, pause/resume and the live status query, on the real server. */
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { approveSignal, pauseSignal, resumeSignal, statusQuery, approveUpdate } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();

async function start(fleet: FakeFleet, manifest: unknown) {
  return startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
}

/** Highest number of deploys that were running at the same time, from the script's own log. */
function maxConcurrentDeploys(events: string[]): number {
  let running = 0;
  let max = 0;
  for (const e of events) {
    if (e.startsWith('deploy-start ')) max = Math.max(max, ++running);
    else if (e.startsWith('deploy ')) running--;
  }
  return max;
}

test('maxParallel bounds concurrent deploys; independent services do overlap', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1', c: '1', d: '1', e: '1' });
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (const n of names) fleet.hold('deploy', n); // the first two overlap until both have started
  const { handle } = await start(fleet, fleet.manifest('parallel-1', names.map((n) => fleet.service(n, '2', { health: false })), { maxParallel: 2 }));
  await waitFor(() => fleet.events().filter((e) => e.startsWith('deploy-start ')).length === 2, 'two deploys to start');
  for (const n of names) fleet.letGo('deploy', n);
  expect((await handle.result()).status).toBe('Succeeded');
  expect(maxConcurrentDeploys(fleet.events())).toBe(2);
});

test('an approval gate holds its services until an allowed approver approves; refusals are recorded', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const manifest = fleet.manifest('gate-1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })], {
    gates: [{ name: 'prod-ok', before: ['b'], approvers: ['alice'], timeout: '5m' }],
  });
  const { handle } = await start(fleet, manifest);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'the release to await approval');
  expect(fleet.applied()).toEqual(['deploy a 2']);
  const refused = await handle.executeUpdate(approveUpdate, { args: [{ gate: 'prod-ok', by: 'mallory' }] }).catch((e: Error) => e);
  expect((refused as Error & { cause?: Error }).cause?.message).toBe('"mallory" may not approve gate "prod-ok" (approvers: alice)');
  await handle.signal(approveSignal, { gate: 'prod-ok', by: 'bob' }); // refused and recorded
  expect(await handle.executeUpdate(approveUpdate, { args: [{ gate: 'prod-ok', by: 'alice' }] })).toBe('gate "prod-ok" approved by alice');
  const report = await handle.result();
  expect(report.status).toBe('Succeeded');
  expect(report.gates[0]).toMatchObject({ status: 'approved', approvedBy: 'alice' });
  expect(report.gates[0]!.refusals.map((r) => r.by)).toEqual(['mallory', 'bob']);
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy b 2']);
});

test('a gate that times out rolls back what was done, or ends Rejected when nothing was touched', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const touched = await start(
    fleet,
    fleet.manifest('gate-timeout-1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })], {
      gates: [{ name: 'late', before: ['b'], timeout: '2s' }],
    }),
  );
  const r1 = await touched.handle.result();
  expect(r1.status).toBe('RolledBack');
  expect(r1.firstError).toMatchObject({ step: 'gate' });
  expect(fleet.applied()).toEqual(['deploy a 2', 'rollback a 1']);

  const untouched = await start(
    fleet,
    fleet.manifest('gate-timeout-2', [fleet.service('a', '3')], { gates: [{ name: 'first', before: ['a'], timeout: '1s' }] }),
  );
  const r2 = await untouched.handle.result();
  expect(r2.status).toBe('Rejected');
  expect(r2.services[0]!.status).toBe('Skipped');
  expect(fleet.version('a')).toBe('1');
});

test('pause lets the step in flight finish and starts nothing new until resume', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.hold('deploy', 'a'); // a deploys until the pause has landed
  const { handle } = await start(fleet, fleet.manifest('pause-1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })]));
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start a')), 'a to start');
  await handle.signal(pauseSignal);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'Paused', 'Paused while a deploys');
  fleet.letGo('deploy', 'a');
  await waitFor(async () => {
    const s = await handle.query(statusQuery);
    return s.status === 'Paused' && s.services[0]!.status === 'Succeeded';
  }, 'a to finish and the release to show Paused');
  const paused = await handle.query(statusQuery);
  expect(paused.services[1]!.status).toBe('Pending');
  expect(fleet.applied()).toEqual(['deploy a 2']);
  await handle.signal(resumeSignal);
  expect((await handle.result()).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy b 2']);
});

test('an approve signal that does not say who approves is refused, even for a gate open to anyone', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const { handle } = await start(fleet, fleet.manifest('gate-noby-1', [fleet.service('a', '2')], { gates: [{ name: 'open', before: ['a'], timeout: '5m' }] }));
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'the release to await approval');
  await handle.signal('approve', { gate: 'open' } as never);
  const refused = await waitFor(async () => {
    const s = await handle.query(statusQuery);
    return s.gates[0]!.refusals.length > 0 ? s : undefined;
  }, 'the refusal to be recorded');
  expect(refused.gates[0]).toMatchObject({ status: 'open', refusals: [expect.objectContaining({ reason: 'approve needs {gate, by}: who approves is missing' })] });
  expect(fleet.applied()).toEqual([]);
  await handle.signal(approveSignal, { gate: 'open', by: 'carol' });
  const report = await handle.result();
  expect(report.status).toBe('Succeeded');
  expect(report.gates[0]!.approvedBy).toBe('carol');
});

test('signals whose payload cannot be decoded are ignored: the release stays queryable and completes', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const { handle, workflowId } = await start(fleet, fleet.manifest('undecodable-1', [fleet.service('a', '2')], { gates: [{ name: 'g', before: ['a'], timeout: '5m' }] }));
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'the release to await approval');
  const garbage = { metadata: { encoding: new TextEncoder().encode('binary/garbage') }, data: new Uint8Array([1, 2, 3]) };
  const brokenJson = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{not json') };
  for (const [name, payload] of [['abort', garbage], ['approve', brokenJson], ['abort', brokenJson]] as const) {
    await worker.client.workflowService.signalWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId },
      signalName: name,
      input: { payloads: [payload] },
    });
  }
  await approveAfterSignals(handle);
  const report = await handle.result();
  expect(report.status).toBe('Succeeded');
  expect(report.abort).toBeUndefined();
  expect(fleet.applied()).toEqual(['deploy a 2']);
});

async function approveAfterSignals(handle: Awaited<ReturnType<typeof start>>['handle']): Promise<void> {
  // the release still answers queries after the undecodable signals, and still takes an approval
  expect((await handle.query(statusQuery)).status).toBe('AwaitingApproval');
  await handle.signal(approveSignal, { gate: 'g', by: 'dana' });
}
