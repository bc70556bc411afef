/**
 * Malformed signal and update payloads sent to a running release: updates are refused by their
 * validators (the caller gets the reason) and junk approvals are ignored; the release is unharmed
 * and completes correctly afterwards.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { abortUpdate, approveUpdate, statusQuery } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();

/** The reason an update was refused with (its validator's message). */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected the update to be refused, got ${String(err)}`);
  return (err.cause as Error | undefined)?.message ?? err.message;
}

async function heldAtGate(id: string) {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  const manifest = fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })], {
    gates: [{ name: 'prod-ok', before: ['b'], approvers: ['alice'], timeout: '5m' }],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'the release to wait at its gate');
  return { fleet, handle };
}

describe('malformed update and signal payloads', () => {
  test('abortRelease/approveGate updates with junk are refused with a reason; junk approve signals are ignored; the release then completes correctly', async () => {
    const { fleet, handle } = await heldAtGate(`junk-${randomUUID().slice(0, 8)}`);
    // updates: refused by their validators, never reaching the release
    const untyped = handle as unknown as { executeUpdate(name: string, opts: { args: unknown[] }): Promise<unknown> };
    const abortNeeds = 'abort needs a non-empty reason';
    expect(await refusal(() => untyped.executeUpdate('abortRelease', { args: [] }))).toBe(abortNeeds);
    expect(await refusal(() => untyped.executeUpdate('abortRelease', { args: [5] }))).toBe(abortNeeds);
    expect(await refusal(() => untyped.executeUpdate('abortRelease', { args: [{ reason: 5 }] }))).toBe(abortNeeds);
    expect(await refusal(() => handle.executeUpdate(abortUpdate, { args: [{ reason: '' }] }))).toBe(abortNeeds);
    expect(await refusal(() => handle.executeUpdate(abortUpdate, { args: [{ reason: '   ' }] }))).toBe(abortNeeds);
    const approveNeeds = 'approve needs {gate, by}';
    expect(await refusal(() => untyped.executeUpdate('approveGate', { args: [] }))).toBe(approveNeeds);
    expect(await refusal(() => untyped.executeUpdate('approveGate', { args: ['prod-ok'] }))).toBe(approveNeeds);
    expect(await refusal(() => untyped.executeUpdate('approveGate', { args: [{ gate: 'prod-ok', by: 7 }] }))).toBe(approveNeeds);
    expect(await refusal(() => handle.executeUpdate(approveUpdate, { args: [{ gate: 'prod-ok', by: ' ' }] }))).toBe(approveNeeds);
    expect(await refusal(() => handle.executeUpdate(approveUpdate, { args: [{ gate: 'nope', by: 'alice' }] }))).toBe('unknown gate "nope"');

    // approve signals with junk: ignored (an identified but unauthorised approver is recorded as refused)
    const signal = (name: string, args: unknown[]) => (handle as unknown as { signal(n: string, ...a: unknown[]): Promise<void> }).signal(name, ...args);
    for (const junk of [[], [5], ['prod-ok'], [null], [{ gate: 5, by: 'alice' }], [{ gate: 'prod-ok' }], [{ gate: 'prod-ok', by: 'mallory' }]]) {
      await signal('approve', junk);
    }
    const held = await handle.query(statusQuery);
    expect(held.status).toBe('AwaitingApproval');
    expect(held.gates[0]).toMatchObject({ status: 'open' });
    expect(held.abort).toBeUndefined();
    expect(fleet.applied()).toEqual(['deploy a 2.0.0']);

    expect(await handle.executeUpdate(approveUpdate, { args: [{ gate: 'prod-ok', by: 'alice' }] })).toBe('gate "prod-ok" approved by alice');
    const report = await handle.result();
    expect(report.status).toBe('Succeeded');
    expect(report.gates[0]).toMatchObject({ status: 'approved', approvedBy: 'alice' });
    expect(report.gates[0]!.refusals.map((r) => r.by)).toEqual(expect.arrayContaining(['mallory']));
    expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0']);
    expect([fleet.version('a'), fleet.version('b')]).toEqual(['2.0.0', '2.0.0']);
    // no workflow task failed on the way: the history has none
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  });

  test('an abort signal without a usable reason still aborts (a signal cannot be refused; the reason reads "no reason given"); later junk aborts are ignored; the rollback is clean', async () => {
    const { fleet, handle } = await heldAtGate(`junk-abort-${randomUUID().slice(0, 8)}`);
    const signal = (name: string, args: unknown[]) => (handle as unknown as { signal(n: string, ...a: unknown[]): Promise<void> }).signal(name, ...args);
    await signal('abort', []);
    await signal('abort', [5]);
    await signal('abort', [{ reason: 5 }]);
    const report = await handle.result();
    expect(report.status).toBe('RolledBack');
    expect(report.abort?.reason).toBe('no reason given');
    expect(report.firstError).toEqual({ step: 'abort', message: 'aborted by operator: no reason given' });
    expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback a 1.0.0']);
    expect([fleet.version('a'), fleet.version('b')]).toEqual(['1.0.0', '1.0.0']);
    expect(report.services.map((s) => s.status)).toEqual(['RolledBack', 'Skipped']);
  });
});
