/**
 * Races an operator and a pipeline run into, each through real `lockstep` CLI processes against a
 * real worker process: abort during a deploy and during a rollback, approve after the gate timed
 * out, pause then abort, two aborts at once, three releases queued on one environment, and a
 * worker killed while a release holds the environment.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli, type CliResult } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { WORKER_START_DEADLINE_MS } from '../support/workerProcess';
import { waitFor } from '../support/waitFor';
import { statusQuery } from '../../workflows/messages';
import type { ReleaseReport } from '../../src/release/releaseReport';

const taskQueue = `races-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

/** A unique environment per test: one release at a time per environment. */
const environmentFor = (name: string) => `${name}-${randomUUID().slice(0, 6)}`;

function manifestIn(fleet: FakeFleet, environment: string, id: string, ...args: Parameters<FakeFleet['manifest']> extends [string, ...infer R] ? R : never) {
  const manifest = fleet.manifest(id, ...args);
  manifest.metadata.environment = environment;
  return fleet.writeManifest(manifest, `${id}.json`);
}

async function release(file: string, ...flags: string[]): Promise<string> {
  const result = await runCli(['release', file, '--json', ...flags], env);
  expect(result.stderr).not.toContain('lockstep:');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).workflowId as string;
}

const statusOf = async (workflowId: string): Promise<ReleaseReport> => suite.client.workflow.getHandle(workflowId).query(statusQuery);
const waitStatus = (workflowId: string, status: string) =>
  waitFor(async () => (await statusOf(workflowId)).status === status, `${workflowId} to be ${status}`);
const resultOf = (workflowId: string): Promise<ReleaseReport> => suite.client.workflow.getHandle(workflowId).result();

test('abort during a deploy: the deploy in flight is cancelled and everything touched rolls back', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.hold('deploy', 'b'); // never let go: only the abort ends it
  const workflowId = await release(manifestIn(fleet, environmentFor('abort-deploy'), 'r1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })]));
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b deploying');
  const abort = await runCli(['abort', workflowId, '--reason', 'wrong build'], env);
  expect(abort).toMatchObject({ code: 0 });
  expect(abort.stdout).toBe(`${workflowId}: abort accepted: rolling back\n`);
  const report = await resultOf(workflowId);
  expect(report.status).toBe('RolledBack');
  expect(report.compensationOrder).toEqual(['b', 'a']);
  expect(report.services.find((s) => s.name === 'b')!.steps.find((s) => s.step === 'deploy')!.outcome).toBe('cancelled');
  expect(fleet.applied()).not.toContain('deploy b 2'); // its process was killed before it applied
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['1', '1']);
});

test('abort during a rollback: answered "rollback already under way"; the rollback goes on unchanged', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.env.UNHEALTHY = 'b@2';
  fleet.hold('rollback', 'b'); // the rollback is under way until the abort has been answered
  const workflowId = await release(manifestIn(fleet, environmentFor('abort-rollback'), 'r1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })]));
  await waitFor(() => fleet.events().some((e) => e.startsWith('rollback-start b')), 'the rollback to run');
  const abort = await runCli(['abort', workflowId, '--reason', 'make it stop'], env);
  expect(abort.code).toBe(0);
  expect(abort.stdout).toBe(`${workflowId}: rollback already under way\n`);
  fleet.letGo('rollback', 'b');
  const report = await resultOf(workflowId);
  expect(report.status).toBe('RolledBack');
  expect(report.abort).toBeUndefined(); // the abort changed nothing
  expect(report.firstError).toMatchObject({ service: 'b', step: 'probe' });
  expect(report.compensationOrder).toEqual(['b', 'a']);
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['1', '1']);
});

test('approve after the gate timed out is refused with the reason, and the release rolls back', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.hold('rollback', 'a'); // the release is rolling back until the late approval has been answered
  const workflowId = await release(
    manifestIn(fleet, environmentFor('gate-timeout'), 'r1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })], {
      gates: [{ name: 'prod-ok', before: ['b'], approvers: ['alice'], timeout: '1s' }],
    }),
  );
  await waitFor(() => fleet.events().some((e) => e.startsWith('rollback-start a')), 'the gate to time out and a to roll back');
  const late = await runCli(['approve', workflowId, '--gate', 'prod-ok', '--by', 'alice'], env);
  expect(late.code).toBe(1);
  expect(late.stderr).toBe('lockstep: refused: gate "prod-ok" timed out; the release is rolling back\n');
  fleet.letGo('rollback', 'a');
  const report = await resultOf(workflowId);
  expect(report.status).toBe('RolledBack');
  expect(report.gates[0]).toMatchObject({ status: 'timedOut' });
  expect(report.firstError).toEqual({ step: 'gate', gate: 'prod-ok', message: 'approval gate "prod-ok" was not approved within 1s' });
  expect(fleet.applied()).toEqual(['deploy a 2', 'rollback a 1']);
});

test('pause, then abort while paused: nothing new starts, even once approved, and what was done rolls back', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const workflowId = await release(
    manifestIn(fleet, environmentFor('pause-abort'), 'r1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })], {
      gates: [{ name: 'go', before: ['b'], timeout: '10m' }],
    }),
  );
  await waitStatus(workflowId, 'AwaitingApproval');
  expect((await runCli(['pause', workflowId], env)).code).toBe(0);
  await waitStatus(workflowId, 'Paused');
  // the approval is taken, but a paused release starts nothing: the decision is made in the same workflow task
  const approved = await runCli(['approve', workflowId, '--gate', 'go', '--by', 'alice'], env);
  expect(approved.stdout).toBe(`${workflowId}: gate "go" approved by alice\n`);
  const status = await runCli(['status', workflowId, '--json'], env);
  expect(JSON.parse(status.stdout)).toMatchObject({ status: 'Paused', services: [{ name: 'a', status: 'Succeeded' }, { name: 'b', status: 'Pending' }] });
  const abort = await runCli(['abort', workflowId, '--reason', 'not today'], env);
  expect(abort.stdout).toBe(`${workflowId}: abort accepted: rolling back\n`);
  const report = await resultOf(workflowId);
  expect(report.status).toBe('RolledBack');
  expect(report.abort?.reason).toBe('not today');
  expect(report.gates[0]).toMatchObject({ status: 'approved', approvedBy: 'alice' });
  expect(fleet.applied()).toEqual(['deploy a 2', 'rollback a 1']);
  expect(report.services[1]!.status).toBe('Skipped');
});

test('two aborts at once: one is accepted, the other is told the rollback is under way', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.hold('deploy', 'b'); // never let go: the abort ends it
  fleet.hold('rollback', 'a'); // the rollback is under way until both aborts have been answered
  const workflowId = await release(manifestIn(fleet, environmentFor('two-aborts'), 'r1', [fleet.service('a', '2'), fleet.service('b', '2', { dependsOn: ['a'] })]));
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b deploying');
  const answers: CliResult[] = await Promise.all([
    runCli(['abort', workflowId, '--reason', 'first'], env),
    runCli(['abort', workflowId, '--reason', 'second'], env),
  ]);
  expect(answers.map((a) => a.code)).toEqual([0, 0]);
  const said = answers.map((a) => a.stdout.replace(`${workflowId}: `, '').trim()).sort();
  expect(said).toEqual(['abort accepted: rolling back', 'rollback already under way']);
  fleet.letGo('rollback', 'a');
  const report = await resultOf(workflowId);
  expect(report.status).toBe('RolledBack');
  const accepted = answers.findIndex((a) => a.stdout.includes('abort accepted'));
  expect(report.abort?.reason).toBe(accepted === 0 ? 'first' : 'second');
  expect(report.compensationOrder).toEqual(['b', 'a']); // rolled back once
  // b's deploy was killed before it applied; it had started, so its rollback runs although `current` prints 1
  expect(fleet.applied()).toEqual(['deploy a 2', 'rollback b 1', 'rollback a 1']);
});

test('three releases queued on one environment finish in arrival order; --no-queue is refused', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const environment = environmentFor('queued');
  const first = await release(manifestIn(fleet, environment, 'q1', [fleet.service('a', '2')], { gates: [{ name: 'go', before: ['a'], timeout: '10m' }] }));
  await waitStatus(first, 'AwaitingApproval');
  // the next two wait with --wait, as a CI job would
  const second = runCli(['release', manifestIn(fleet, environment, 'q2', [fleet.service('a', '3')]), '--wait'], env);
  await waitFor(async () => (await statusOf(`release/${environment}/q2`).catch(() => undefined))?.status === 'Queued', 'q2 to be Queued');
  const third = runCli(['release', manifestIn(fleet, environment, 'q3', [fleet.service('a', '4')]), '--wait'], env);
  await waitFor(async () => (await statusOf(`release/${environment}/q3`).catch(() => undefined))?.status === 'Queued', 'q3 to be Queued');

  const status = await runCli(['status', `${environment}/q3`], env);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`release release/${environment}/q3: Queued`);
  expect(status.stdout).toContain(`queued behind release/${environment}/q1 (2 ahead)`);
  const listed = await waitFor(async () => {
    const out = await runCli(['list', '--environment', environment, '--status', 'Queued', '--json'], env);
    const rows = JSON.parse(out.stdout) as { workflowId: string }[];
    return rows.length === 2 ? rows.map((r) => r.workflowId).sort() : undefined;
  }, 'both waiting releases listed as Queued');
  expect(listed).toEqual([`release/${environment}/q2`, `release/${environment}/q3`]);

  const refused = await runCli(['release', manifestIn(fleet, environment, 'q4', [fleet.service('a', '5')]), '--no-queue', '--wait'], env);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(`release release/${environment}/q4: Rejected`);
  expect(refused.stdout).toContain(`queue: environment "${environment}" is busy: release/${environment}/q1 holds it; release without --no-queue to wait for its turn`);
  // without --wait the refusal is still the command's answer
  const refusedNow = await runCli(['release', manifestIn(fleet, environment, 'q5', [fleet.service('a', '6')]), '--no-queue'], env);
  expect(refusedNow.code).toBe(1);
  expect(refusedNow.stderr).toContain(`lockstep: refused: environment "${environment}" is busy: release/${environment}/q1 holds it; release without --no-queue to wait for its turn`);

  expect((await runCli(['approve', first, '--gate', 'go', '--by', 'alice'], env)).code).toBe(0);
  const [secondDone, thirdDone] = await Promise.all([second, third]);
  expect(secondDone.code).toBe(0);
  expect(thirdDone.code).toBe(0);
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy a 3', 'deploy a 4']);
  const reports = await Promise.all(['q1', 'q2', 'q3'].map((id) => resultOf(`release/${environment}/${id}`)));
  expect(Date.parse(reports[1]!.queue!.grantedAt!)).toBeGreaterThanOrEqual(Date.parse(reports[0]!.endedAt!));
  expect(Date.parse(reports[2]!.queue!.grantedAt!)).toBeGreaterThanOrEqual(Date.parse(reports[1]!.endedAt!));
});

test('a worker killed while a release holds the environment: a new worker finishes it, then the queued one runs', async () => {
  const queue = `races-kill-${randomUUID()}`;
  const killEnv = { LOCKSTEP_TASK_QUEUE: queue };
  const doomed = await suite.start(queue);
  const fleet = new FakeFleet({ a: '1', b: '1' });
  fleet.hold('deploy', 'a'); // k1 holds the environment until the worker has been replaced
  const environment = environmentFor('killed');
  const start = async (id: string, service: string) => {
    // the held deploy outlives its worker; a timeout above the hold keeps it one run, not a killed orphan and a retry
    const out = await runCli(['release', manifestIn(fleet, environment, id, [fleet.service(service, '2', { timeout: '5m' })]), '--json'], killEnv);
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout).workflowId as string;
  };
  const holder = await start('k1', 'a');
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start a')), 'a deploying');
  const queued = await start('k2', 'b');
  await waitStatus(queued, 'Queued');
  await doomed.kill();
  await suite.start(queue);
  fleet.letGo('deploy', 'a');
  expect((await resultOf(holder)).status).toBe('Succeeded');
  expect((await resultOf(queued)).status).toBe('Succeeded');
  expect(fleet.applied()).toEqual(['deploy a 2', 'deploy b 2']);
  const final = await runCli(['status', queued, '--json'], killEnv);
  expect(JSON.parse(final.stdout).status).toBe('Succeeded');
}, 2 * WORKER_START_DEADLINE_MS + 120_000); // a hang guard: two worker processes start inside the test

test('last resort, a terminated release: status and list say so, and the queued release gets the environment', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1' });
  const environment = environmentFor('terminated');
  const holder = await release(manifestIn(fleet, environment, 't1', [fleet.service('a', '2')], { gates: [{ name: 'go', before: ['a'], timeout: '10m' }] }));
  await waitStatus(holder, 'AwaitingApproval');
  const queued = await release(manifestIn(fleet, environment, 't2', [fleet.service('b', '2')]));
  await waitStatus(queued, 'Queued');
  await suite.client.workflow.getHandle(holder).terminate('rollback target broken');
  expect((await resultOf(queued)).status).toBe('Succeeded');

  const status = await runCli(['status', holder], env);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`release ${holder}: AwaitingApproval`);
  expect(status.stdout).toContain('TERMINATED while AwaitingApproval (rollback target broken): nothing after that ran; check its services by hand');
  expect(JSON.parse((await runCli(['report', holder, '--json'], env)).stdout).closedAs).toEqual({ execution: 'TERMINATED', reason: 'rollback target broken' });
  const rows = await waitFor(async () => {
    const out = JSON.parse((await runCli(['list', '--environment', environment, '--json'], env)).stdout) as { workflowId: string; status: string }[];
    return out.length === 2 ? out : undefined;
  }, 'both releases listed');
  expect(rows.map((r) => [r.workflowId, r.status])).toEqual([
    [queued, 'Succeeded'],
    [holder, 'Terminated (was AwaitingApproval)'],
  ]);
  expect(fleet.applied()).toEqual(['deploy b 2']);
});
