/**
 * `lockstep plan --live` and `lockstep release --dry-run`: the release's preflight on a real worker
 * process, through the real CLI, touching nothing. What it prints per service (current -> target,
 * `unchanged`), the programs checked and each check's verdict; exit 0 would start, 1 would be
 * rejected (a missing deploy script), 4 with no worker; no deploy ran, no environment lock was
 * taken, and no release is listed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { lockWorkflowId } from '../../src/release/environmentLockIds';
import type { LivePlan } from '../../src/plan/livePlan';

const taskQueue = `planlive-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

/** a (1.0.0 -> 2.0.0) first, then b, already at 2.0.0; in an environment of its own. */
function fleetOf(environment: string): { fleet: FakeFleet; manifest: ReturnType<FakeFleet['manifest']> } {
  const fleet = new FakeFleet({ a: '1.0.0', b: '2.0.0' });
  const manifest = fleet.manifest(`planlive-${randomUUID().slice(0, 8)}`, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]);
  manifest.metadata.environment = environment;
  return { fleet, manifest };
}

async function expectNoLock(environment: string): Promise<void> {
  await expect(suite.client.workflow.getHandle(lockWorkflowId(environment, taskQueue)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

test('a good manifest: current -> target per service, in waves, every check passed, exit 0; nothing deployed, no lock, no release listed', async () => {
  const environment = `pl-ok-${randomUUID().slice(0, 8)}`;
  const { fleet, manifest } = fleetOf(environment);
  const file = fleet.writeManifest(manifest);
  const result = await runCli(['plan', file, '--live'], env);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`plan/${environment}/`) });
  const lines = result.stdout.split('\n');
  expect(lines[0]).toBe(`plan (live) of ${environment}: would start`);
  expect(lines.slice(1, 5)).toEqual(['wave 1: a', '  a  1.0.0 -> 2.0.0', 'wave 2: b', '  b  2.0.0 unchanged']);
  // per service: cwd, deploy, rollback, current and the health probe's program
  expect(result.stdout).toContain('programs checked: 10, problems: 0');
  expect(result.stdout).toContain('  programs: passed (10 checked, all present and executable)');
  expect(result.stdout).toContain('  current versions: passed (2 read)');

  // release --dry-run is the same thing
  const dryRun = await runCli(['release', file, '--dry-run'], env);
  expect(dryRun.code).toBe(0);
  expect(dryRun.stdout.split('\n').slice(0, 5)).toEqual(lines.slice(0, 5));

  expect(fleet.applied()).toEqual([]);
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['1.0.0', '2.0.0']);
  await expectNoLock(environment);
  const workflowId = /plan\/[^\s:]+/.exec(result.stderr)![0];
  expect((await suite.client.workflow.getHandle(workflowId).describe()).type).toBe('planLive');
  const listed = await runCli(['list', '--json'], env);
  expect(listed.code).toBe(0);
  expect((JSON.parse(listed.stdout) as { workflowId: string }[]).filter((r) => r.workflowId.startsWith('plan/'))).toEqual([]);
});

test('a missing deploy script (./deplyo.sh): would be rejected naming the service and the path, exit 1; nothing ran', async () => {
  const environment = `pl-bad-${randomUUID().slice(0, 8)}`;
  const { fleet, manifest } = fleetOf(environment);
  const payments = fleet.service('payments', '3.0.0');
  Object.assign(payments.target, { deploy: ['./deplyo.sh', '{{version}}'] });
  manifest.spec.services.push(payments);
  const file = fleet.writeManifest(manifest);
  const missing = join(fleet.dir, 'deplyo.sh');
  const result = await runCli(['plan', file, '--live'], env);
  expect(result.code).toBe(1);
  expect(result.stdout.split('\n')[0]).toBe(`plan (live) of ${environment}: would be rejected: payments: deploy program ${missing} does not exist`);
  expect(result.stdout).toContain('wave 1: a, payments');
  expect(result.stdout).toContain('  payments  (nothing) -> 3.0.0');
  expect(result.stdout).toContain('programs checked: 15, problems: 1');
  expect(result.stdout).toContain(`\n  payments: deploy program ${missing} does not exist\n`);
  expect(result.stdout).toContain(`  programs: failed (payments: deploy program ${missing} does not exist)`);
  expect(result.stdout).toContain('  current versions: passed (3 read)');
  expect(fleet.applied()).toEqual([]);
  await expectNoLock(environment);
});

test('--json: the plan as an object', async () => {
  const environment = `pl-json-${randomUUID().slice(0, 8)}`;
  const { fleet, manifest } = fleetOf(environment);
  const result = await runCli(['release', fleet.writeManifest(manifest), '--dry-run', '--json'], env);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const plan = JSON.parse(result.stdout) as LivePlan;
  expect(plan).toMatchObject({
    workflowId: expect.stringMatching(new RegExp(`^plan/${environment}/p-`)),
    environment,
    wouldStart: true,
    waves: [['a'], ['b']],
    services: [
      { name: 'a', wave: 1, current: '1.0.0', target: '2.0.0', change: 'deploy' },
      { name: 'b', wave: 2, current: '2.0.0', target: '2.0.0', change: 'unchanged' },
    ],
    programs: { checked: 10, findings: [] },
    checks: [
      { check: 'programs', passed: true },
      { check: 'current versions', passed: true },
    ],
  });
  expect(plan.rejection).toBeUndefined();
  expect(plan.programs.list).toContainEqual({ service: 'a', what: 'cwd', path: fleet.dir });
  expect(fleet.applied()).toEqual([]);
});

test('no worker polls the task queue: exit 4 with the hint, nothing started', async () => {
  const nobody = `nobody-${randomUUID().slice(0, 8)}`;
  const { fleet, manifest } = fleetOf(`pl-none-${randomUUID().slice(0, 8)}`);
  const result = await runCli(['plan', fleet.writeManifest(manifest), '--live', '--task-queue', nobody], env);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe(
    `lockstep: no worker polls task queue "${nobody}", so nothing can run the preflight of the live plan; nothing was started; start one with: lockstep worker --task-queue ${nobody}\n`,
  );
  expect(result.stdout).toBe('');
});

test('an invalid manifest exits 3 before anything is contacted; an unreachable Temporal exits 4', async () => {
  const fleet = new FakeFleet();
  const invalid = await runCli(['plan', fleet.writeManifest({ apiVersion: 'lockstep/v1', kind: 'Release' }), '--live'], env);
  expect(invalid.code).toBe(3);
  expect(invalid.stdout).toBe('');
  const { manifest } = fleetOf(`pl-down-${randomUUID().slice(0, 8)}`);
  const unreachable = await runCli(['release', fleet.writeManifest(manifest, 'good.json'), '--dry-run', '--address', '127.0.0.1:1'], env);
  expect(unreachable.code).toBe(4);
  expect(unreachable.stderr).toContain('lockstep: cannot reach Temporal at 127.0.0.1:1: connection refused');
});

test("the manifest's preflight checks run in the dry run too: a failing one would reject (exit 1), the final ones do not run", async () => {
  const environment = `pl-checks-${randomUUID().slice(0, 8)}`;
  const { fleet, manifest } = fleetOf(environment);
  fleet.env.FAIL_CHECK_WHEN = 'a@2.0.0';
  fleet.env.FAIL_CHECK_NAMES = 'contracts';
  manifest.spec.checks = [fleet.check('contracts', { when: 'preflight' }), fleet.check('flow')];
  const result = await runCli(['plan', fleet.writeManifest(manifest), '--live'], env);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain(`plan (live) of ${environment}: would be rejected`);
  expect(result.stdout).toContain('  check contracts: failed (check "contracts" failed: exit code 1: order flow broken while a 2.0.0 runs)');
  expect(result.stdout).not.toContain('check flow');
  expect(fleet.checkRuns()).toEqual(['check contracts preflight 1 a=2.0.0,b=2.0.0']);
  expect(fleet.applied()).toEqual([]);
  await expectNoLock(environment);
});
