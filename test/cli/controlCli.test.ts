/** The operator controls through the real CLI: approve, pause, resume, abort, with their refusals and exit codes. */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';
import { statusQuery } from '../../workflows/messages';

const taskQueue = `controls-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

async function startRelease(fleet: FakeFleet, manifest: unknown): Promise<string> {
  const result = await runCli(['release', fleet.writeManifest(manifest), '--json'], env);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).workflowId as string;
}

test('approve: refused for someone not on the list (exit 1, with the reason), accepted for an approver', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const id = `ctl-gate-${randomUUID().slice(0, 8)}`;
  const workflowId = await startRelease(
    fleet,
    fleet.manifest(id, [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })], {
      gates: [{ name: 'prod-ok', before: ['b'], approvers: ['alice'], timeout: '5m' }],
    }),
  );
  const handle = suite.client.workflow.getHandle(workflowId);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'the gate');
  const refused = await runCli(['approve', `test/${id}`, '--gate', 'prod-ok', '--by', 'mallory'], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('refused: "mallory" may not approve gate "prod-ok" (approvers: alice)');
  const unknownGate = await runCli(['approve', workflowId, '--gate', 'nope', '--by', 'alice'], env);
  expect(unknownGate.code).toBe(1);
  expect(unknownGate.stderr).toContain('refused: unknown gate "nope"');
  const ok = await runCli(['approve', workflowId, '--gate', 'prod-ok', '--by', 'alice'], env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('gate "prod-ok" approved by alice');
  expect((await handle.result()).status).toBe('Succeeded');
  const md = await runCli(['report', `test/${id}`, '--format', 'md'], env);
  expect(md.code).toBe(0);
  expect(md.stdout).toContain(`Release \`${workflowId}\`: Succeeded`);
  expect(md.stdout).toContain('| b | Succeeded | 2 | 1 | 2 |');
  const json = JSON.parse((await runCli(['report', workflowId, '--format', 'json'], env)).stdout);
  // who approved, and who was refused, with when: the refused update is recorded too
  expect(json.gates[0]).toMatchObject({ approvedBy: 'alice', refusals: [{ by: 'mallory', reason: '"mallory" may not approve gate "prod-ok" (approvers: alice)' }] });
  expect(Date.parse(json.gates[0].approvedAt)).toBeGreaterThan(Date.parse(json.gates[0].refusals[0].at) - 1);
  expect(md.stdout).toContain('| prod-ok | approved | alice |');
  expect(md.stdout).toContain('mallory at ');
  const listed = await waitFor(async () => {
    const out = await runCli(['list', '--environment', 'test', '--status', 'Succeeded', '--limit', '200', '--json'], env);
    const rows = JSON.parse(out.stdout) as { workflowId: string; status: string; services: string[] }[];
    return rows.find((r) => r.workflowId === workflowId);
  }, 'the release to be listed as Succeeded');
  expect(listed).toMatchObject({ status: 'Succeeded', services: ['a', 'b'] });
  expect((await runCli(['list', '--status', 'Happy'], env)).code).toBe(3);

  const late = await runCli(['approve', workflowId, '--gate', 'prod-ok', '--by', 'alice'], env);
  expect(late.code).toBe(1);
  expect(late.stderr).toContain(`refused: release ${workflowId} already ended Succeeded`);
});

test('pause, resume, abort (twice), and abort of a finished release', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1', c: '1' });
  fleet.hold('deploy', 'a'); // a deploys until the pause has landed, however long the CLI takes to start
  const id = `ctl-pause-${randomUUID().slice(0, 8)}`;
  const workflowId = await startRelease(
    fleet,
    fleet.manifest(id, fleet.chain(['a', 'b', 'c'], '2'), {
      gates: [{ name: 'hold', before: ['c'], timeout: '5m' }], // keeps the release running until the abort
    }),
  );
  const handle = suite.client.workflow.getHandle(workflowId);
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start a')), 'a to start');
  expect((await runCli(['pause', `test/${id}`], env)).code).toBe(0);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'Paused', 'Paused while a deploys');
  fleet.letGo('deploy', 'a');
  await waitFor(async () => {
    const s = await handle.query(statusQuery);
    return s.status === 'Paused' && s.services[0]!.status === 'Succeeded';
  }, 'Paused with a done');
  expect(fleet.applied()).toEqual(['deploy a 2']);
  expect((await runCli(['resume', `test/${id}`], env)).code).toBe(0);
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'b done, c held at its gate');
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy b 2']);

  const first = await runCli(['abort', `test/${id}`, '--reason', 'error rate up'], env);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('abort accepted: rolling back');
  const second = await runCli(['abort', `test/${id}`, '--reason', 'again'], env);
  if ((await handle.describe()).status.name === 'RUNNING') {
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('rollback already under way');
  } else {
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already ended RolledBack');
  }
  const report = await handle.result();
  expect(report.status).toBe('RolledBack');
  expect(report.abort?.reason).toBe('error rate up');
  expect([fleet.version('a'), fleet.version('b'), fleet.version('c')]).toEqual(['1', '1', '1']);

  const finished = await runCli(['abort', `test/${id}`, '--reason', 'too late'], env);
  expect(finished.code).toBe(1);
  expect(finished.stderr).toContain(`refused: release ${workflowId} already ended RolledBack`);
  const missing = await runCli(['abort', 'test/nope', '--reason', 'x'], env);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain('no release release/test/nope');
  const noReason = await runCli(['abort', `test/${id}`], env);
  expect(noReason.code).toBe(3);
});
