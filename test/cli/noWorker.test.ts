/**
 * No worker polls the release's task queue: every command answers within seconds with what is
 * wrong and the worker to start. `status` shows what Temporal itself recorded; the controls fail
 * (exit 4) instead of waiting; `release --no-queue` starts nothing. Real CLI processes, the real
 * server; a generous hang guard on each command, no assertion on time.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';
import { lockWorkflowId } from '../../src/release/environmentLockIds';

const HANG_GUARD_MS = 30_000;
const suite = workerProcessSuite();

test('a release nobody polls for: status falls back to Temporal; abort, pause, resume and approve fail fast with the hint', async () => {
  const nobody = `nobody-${randomUUID().slice(0, 8)}`;
  const env = { LOCKSTEP_TASK_QUEUE: nobody };
  const hint = `start one with: lockstep worker --task-queue ${nobody}`;
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  const id = `noworker-${randomUUID().slice(0, 8)}`;
  const workflowId = `release/test/${id}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.1.0', { dependsOn: ['a'] })]));
  const started = await runCli(['release', file], env, HANG_GUARD_MS);
  expect(started.code).toBe(0);
  expect(started.stderr).toContain(`no worker polls task queue "${nobody}" yet; the release waits until one does; ${hint}`);

  const status = await runCli(['status', `test/${id}`], env, HANG_GUARD_MS);
  expect(status.code).toBe(0);
  expect(status.stderr).toContain(`lockstep: ${workflowId}: no worker polls task queue "${nobody}", so nothing can answer the status query; ${hint}`);
  expect(status.stdout).toContain(`release ${workflowId}: Pending (as Temporal recorded it; no live report)`);
  expect(status.stdout).toContain(`on task queue ${nobody}`);
  expect(status.stdout).toContain(`search attributes: LockstepReleaseId=${id} LockstepEnvironment=test LockstepStatus=Pending LockstepServices=a,b`);
  expect(status.stdout).toMatch(/pending workflow task: SCHEDULED since \d{4}-\d\d-\d\dT[\d:.]+Z, attempt 1/);
  expect(status.stdout).toContain('services (as started): a 2.0.0, b 2.1.0');
  expect(status.stdout).not.toContain('Failed to query Workflow');

  const json = JSON.parse((await runCli(['status', workflowId, '--json'], env, HANG_GUARD_MS)).stdout);
  expect(json).toMatchObject({ workflowId, status: 'Pending', live: false, taskQueue: nobody, hint, execution: 'RUNNING' });
  expect(json.services).toEqual([{ name: 'a', version: '2.0.0' }, { name: 'b', version: '2.1.0' }]);

  for (const [args, action] of [
    [['abort', workflowId, '--reason', 'no worker'], 'act on the abort'],
    [['pause', workflowId], 'act on the pause'],
    [['resume', workflowId], 'act on the resume'],
    [['approve', workflowId, '--gate', 'g', '--by', 'alice'], 'act on the approval'],
  ] as const) {
    const control = await runCli([...args], env, HANG_GUARD_MS);
    expect({ args, code: control.code }).toEqual({ args, code: 4 });
    expect(control.stderr).toContain(`lockstep: ${workflowId}: no worker polls task queue "${nobody}", so nothing can ${action}; ${hint}`);
  }
  const report = await runCli(['report', workflowId], env, HANG_GUARD_MS);
  expect(report.code).toBe(4);
  expect(report.stderr).toContain(hint);

  // --no-queue wants an answer now: with no worker it starts nothing at all
  const noQueueId = `noworker-nq-${randomUUID().slice(0, 8)}`;
  const refused = await runCli(['release', fleet.writeManifest(fleet.manifest(noQueueId, [fleet.service('a', '2.0.0')]), 'nq.json'), '--no-queue'], env, HANG_GUARD_MS);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain(`refused (--no-queue): no worker polls task queue "${nobody}", so the release could not start now; nothing was started; ${hint}`);
  await expect(suite.client.workflow.getHandle(`release/test/${noQueueId}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  // the environment's lock is taken by the release's own first step, on a worker: without one, no lock exists to be left behind
  await expect(suite.client.workflow.getHandle(lockWorkflowId('test', nobody)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  await suite.client.workflow.getHandle(workflowId).terminate('test over');
  expect(fleet.applied()).toEqual([]);
});

test('a worker that polled and died: status answers after a short deadline with the fallback; the controls fail fast too', async () => {
  const queue = `dead-${randomUUID().slice(0, 8)}`;
  const env = { LOCKSTEP_TASK_QUEUE: queue };
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.DEPLOY_DELAY_MS = '60000';
  fleet.env.DEPLOY_DELAY_FOR = 'b';
  const worker = await suite.start(queue);
  const id = `deadworker-${randomUUID().slice(0, 8)}`;
  const workflowId = `release/test/${id}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]));
  expect((await runCli(['release', file], env, HANG_GUARD_MS)).code).toBe(0);
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b to start deploying');
  await worker.kill();

  const status = await runCli(['status', workflowId], env, HANG_GUARD_MS);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`release ${workflowId}: Deploying (as Temporal recorded it; no live report)`);
  expect(status.stdout).toMatch(/nothing could answer the status query( within 5s)?: no worker answered|no worker polls task queue/);
  expect(status.stdout).toContain(`start one with: lockstep worker --task-queue ${queue}`);
  expect(status.stdout).toMatch(/pending activity deployVersion: (STARTED|SCHEDULED)/);

  const abort = await runCli(['abort', workflowId, '--reason', 'worker gone'], env, HANG_GUARD_MS);
  expect(abort.code).toBe(4);
  expect(abort.stderr).toContain(`start one with: lockstep worker --task-queue ${queue}`);
  await suite.client.workflow.getHandle(workflowId).terminate('test over');
});
