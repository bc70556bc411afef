/**
 * Checks through the real CLI: `plan` says where each runs, `release --wait` prints their verdicts
 * and exits by them, `status --json` carries runs and findings. A real worker process, the real server.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';

const taskQueue = `checks-cli-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

function manifest(fleet: FakeFleet, id: string) {
  return fleet.writeManifest(
    fleet.manifest(id, fleet.chain(['payments', 'orders', 'web'], '2.0.0'), {
      checks: [
        fleet.check('schemas', { when: 'preflight' }),
        fleet.check('payments-contract', { when: { after: ['payments'] } }),
        fleet.check('checkout-flow', { alsoAfterRollback: true, bake: '1s', interval: '100ms' }),
        fleet.check('restored', { when: 'afterRollback' }),
      ],
    }),
  );
}

test('plan shows where each check runs', async () => {
  const fleet = new FakeFleet();
  const result = await runCli(['plan', manifest(fleet, 'plan-checks')], env);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('checks:\n');
  expect(result.stdout).toContain('  schemas (command): preflight, before anything is touched (a failure rejects the release)');
  expect(result.stdout).toContain('  payments-contract (command): after payments; orders, web wait for it');
  expect(result.stdout).toContain('  checkout-flow (command): after every service succeeded, before Succeeded; bakes 1s, every 100ms; again after a rollback');
  expect(result.stdout).toContain('  restored (command): after a rollback (a failure ends RollbackFailed)');
  const json = JSON.parse((await runCli(['plan', manifest(fleet, 'plan-checks'), '--json'], env)).stdout);
  expect(json.checks.map((c: { name: string; moment: string }) => `${c.name}:${c.moment}`)).toEqual(['schemas:preflight', 'payments-contract:after', 'checkout-flow:final', 'restored:afterRollback']);
  expect(json.checks[1].holds).toEqual(['orders', 'web']);
});

test('release --wait exits 1 when the final check fails; the report names the check; status --json has its runs and findings', async () => {
  const fleet = new FakeFleet({ payments: '1.0.0', orders: '1.0.0', web: '1.0.0' });
  fleet.env.FAIL_CHECK_WHEN = 'web@2.0.0';
  fleet.env.FAIL_CHECK_NAMES = 'checkout-flow';
  const id = `checks-cli-${randomUUID().slice(0, 8)}`;
  const result = await runCli(['release', manifest(fleet, id), '--wait'], env);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain(`release release/test/${id}: RolledBack`);
  expect(result.stdout).toContain('first error: check checkout-flow: check "checkout-flow" failed: exit code 1: order flow broken while web 2.0.0 runs');
  expect(result.stdout).toMatch(/schemas\s+command\s+preflight\s+passed/);
  expect(result.stdout).toMatch(/checkout-flow\s+command\s+final \(bake 1s\) \+ afterRollback\s+passed .*\(runs: final failed, afterRollback passed\)/);
  expect(['payments', 'orders', 'web'].map((s) => fleet.version(s))).toEqual(['1.0.0', '1.0.0', '1.0.0']);

  const status = await runCli(['status', `test/${id}`, '--json'], env);
  expect(status.code).toBe(0);
  const report = JSON.parse(status.stdout);
  expect(report.firstError).toMatchObject({ step: 'check', check: 'checkout-flow' });
  const flow = report.checks.find((c: { name: string }) => c.name === 'checkout-flow');
  expect(flow.runs.map((r: { moment: string; status: string }) => `${r.moment}:${r.status}`)).toEqual(['final:failed', 'afterRollback:passed']);
  expect(flow.findings[0].message).toBe("checkout-flow passed on payments=1.0.0,orders=1.0.0,web=1.0.0");
  expect(report.checks.find((c: { name: string }) => c.name === 'restored').status).toBe('passed');

  const markdown = await runCli(['report', `test/${id}`, '--format', 'md'], env);
  expect(markdown.stdout).toContain('| check | kind | when | status | summary | runs |');
  expect(markdown.stdout).toContain('**First error:** check `checkout-flow`: check "checkout-flow" failed');
});
