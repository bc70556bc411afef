/**
 * `lockstep dora` as an operator runs it: a real worker process, five releases of an environment of
 * their own through the real CLI (two Succeeded, one of them with metadata.source; one RolledBack;
 * one RollbackFailed; one Rejected), then the figures in JSON and text, checked exactly for counts
 * and the rate and against the releases' own reports and list rows for durations.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli, type CliResult } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';
import type { DoraFigures } from '../../src/dora/doraFigures';
import type { ReleaseReport } from '../../src/release/releaseReport';

const taskQueue = `dora-${randomUUID()}`;
const cliEnv = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

type DoraJson = DoraFigures & { reportsRead: number };

function jsonOf<T>(result: CliResult): T {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

test('five releases: counts, the change failure rate (Rejected left out), lead time, time to restore and rollback time as the reports say', async () => {
  const environment = `dora-${randomUUID().slice(0, 8)}`;
  const fleet = new FakeFleet({ payments: '1.0.0', orders: '1.0.0' });
  // committed two hours before the release starts: the lead time is at least that
  const committedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const release = async (id: string, version: string, opts: { source?: boolean; typo?: boolean } = {}): Promise<number | null> => {
    const orders = fleet.service('orders', version, { dependsOn: ['payments'] });
    if (opts.typo && orders.target.kind === 'command') orders.target.deploy = ['./deplyo.sh', 'orders'];
    const m = fleet.manifest(id, [fleet.service('payments', version), orders]);
    m.metadata.environment = environment;
    if (opts.source) m.metadata.source = { revision: `rev-${id}`, committedAt };
    return (await runCli(['release', fleet.writeManifest(m, `${id}.json`), '--wait'], cliEnv)).code;
  };
  expect(await release('ok1', '2.0.0', { source: true })).toBe(0);
  expect(await release('ok2', '2.1.0')).toBe(0);
  fleet.env.FAIL_DEPLOY = 'orders';
  expect(await release('bad1', '2.2.0', { source: true })).toBe(1); // RolledBack
  fleet.env.FAIL_ROLLBACK = 'payments';
  expect(await release('bad2', '2.3.0')).toBe(2); // RollbackFailed
  fleet.env.FAIL_DEPLOY = '';
  fleet.env.FAIL_ROLLBACK = '';
  expect(await release('typo', '2.4.0', { typo: true })).toBe(1); // Rejected: nothing touched

  // visibility catches up with the last close shortly after it
  const figures = await waitFor(async () => {
    const out = jsonOf<DoraJson>(await runCli(['dora', '--environment', environment, '--json'], cliEnv));
    return out.environments[0]?.releases.ended === 5 && out;
  }, 'the five releases to be listed as closed');
  expect(figures.days).toBe(30);
  expect(figures.environments).toHaveLength(1);
  const e = figures.environments[0]!;
  expect(e.environment).toBe(environment);
  expect(e.releases).toEqual({ ended: 5, succeeded: 2, rolledBack: 1, rollbackFailed: 1, rejected: 1, stoppedFromOutside: 0 });
  // 2 Succeeded in 30 days
  expect(e.deploymentFrequency).toEqual({ deployments: 2, days: 30, perDay: 2 / 30, perWeek: (2 / 30) * 7 });
  // (1 RolledBack + 1 RollbackFailed) / (2 Succeeded + 2 failed) = 0.5; the Rejected one is not a change
  expect(e.changeFailureRate).toEqual({ failed: 2, changes: 4, rate: 0.5, rejectedLeftOut: 1, stoppedLeftOut: 0 });
  expect(figures.reportsRead).toBe(1); // only the RolledBack release's report is read

  // lead time: ok1's commit time to its close as Temporal lists it (bad1 has a source too, but it is no deployment)
  const rows = jsonOf<{ workflowId: string; closeTime: string }[]>(await runCli(['list', '--environment', environment, '--json'], cliEnv));
  const ok1Close = rows.find((r) => r.workflowId === `release/${environment}/ok1`)!.closeTime;
  const lead = Date.parse(ok1Close) - Date.parse(committedAt);
  expect(lead).toBeGreaterThanOrEqual(2 * 3_600_000);
  expect(e.leadTime).toEqual({ measured: 1, p50Ms: lead, p95Ms: lead, withoutSource: 1 });

  // time to restore: from orders' failed deploy to RolledBack; rollback time: totals.rollbackMs, as the report says
  const report = jsonOf<ReleaseReport>(await runCli(['report', `${environment}/bad1`, '--json'], cliEnv));
  const failedDeploy = report.services.find((s) => s.name === 'orders')!.steps.filter((s) => s.step === 'deploy' && s.outcome === 'failed')[0]!;
  const restore = Date.parse(report.endedAt!) - Date.parse(failedDeploy.endedAt!);
  expect(restore).toBeGreaterThanOrEqual(0);
  expect(e.timeToRestore).toEqual({ measured: 1, p50Ms: restore, p95Ms: restore, notMeasured: 0 });
  expect(e.rollbackTime).toEqual({ measured: 1, p50Ms: report.totals.rollbackMs, p95Ms: report.totals.rollbackMs });
  expect(restore).toBeGreaterThanOrEqual(report.totals.rollbackMs!); // the rollback starts after the failure

  const text = await runCli(['dora', '--environment', environment], cliEnv);
  expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^DORA figures since \d{4}-\d\d-\d\dT[\d:.]+Z \(30 days\), from Temporal's records$/);
  expect(lines.slice(1, 4)).toEqual([
    `${environment}: 5 ended releases (2 Succeeded, 1 RolledBack, 1 RollbackFailed, 1 Rejected)`,
    '  deployment frequency   2 deployments in 30 days: 0.07 per day, 0.47 per week',
    expect.stringMatching(/^ {2}lead time for changes  p50 2h\d*m?, p95 2h\d*m? \(1 of 2 deployments carry metadata\.source\.committedAt\)$/),
  ]);
  expect(lines.slice(4)).toEqual([
    '  change failure rate    50% (2 of 4 changes RolledBack or RollbackFailed); 1 Rejected left out (touched nothing: no change)',
    expect.stringMatching(/^ {2}time to restore {8}p50 \d[\d.]*(ms|s|m)\S*, p95 \S+ \(1 rollback, first error to RolledBack\)$/),
    expect.stringMatching(/^ {2}rollback time {10}p50 \d[\d.]*(ms|s|m)\S*, p95 \S+ \(1 rollback, its start to RolledBack\)$/),
  ]);

  // every environment: this one among them with the same counts; a window after the releases has none
  const all = jsonOf<DoraJson>(await runCli(['dora', '--json'], cliEnv));
  expect(all.environments.find((x) => x.environment === environment)?.releases).toEqual(e.releases);
  const later = jsonOf<DoraJson>(await runCli(['dora', '--environment', environment, '--since', new Date(Date.now() - 1000).toISOString(), '--json'], cliEnv));
  expect(later.environments.map((x) => [x.environment, x.releases.ended, x.changeFailureRate.rate])).toEqual([[environment, 0, null]]);
  expect((await runCli(['dora', '--environment', environment, '--since', '1s'], cliEnv)).stdout).toContain(`${environment}: 0 ended releases`);
});

test('bad input is refused naming it, exit 3; a malformed metadata.source is a manifest error', async () => {
  for (const [args, stderr] of [
    [['dora', '--since', 'yesterday'], 'lockstep: --since yesterday: give a duration such as 30d or 12h, or an ISO date such as 2026-11-01\n'],
    [['dora', '--since', '0d'], 'lockstep: --since 0d: give a duration longer than 0, e.g. 30d\n'],
    [['dora', '--since', '2999-01-01'], 'lockstep: --since 2999-01-01: that is not in the past\n'],
    [['dora', '--environment', 'Prod'], 'lockstep: --environment Prod: not an environment name (lowercase letters, digits and dashes)\n'],
  ] as const) {
    const refused = await runCli([...args], cliEnv);
    expect({ args, code: refused.code, stdout: refused.stdout, stderr: refused.stderr }).toEqual({ args, code: 3, stdout: '', stderr });
  }
  const fleet = new FakeFleet();
  const m = fleet.manifest('src', [fleet.service('a', '1.0.0')]);
  m.metadata.source = { revision: 'abc', committedAt: 'last tuesday' };
  const plan = await runCli(['plan', fleet.writeManifest(m)], cliEnv);
  expect(plan.code).toBe(3);
  expect(plan.stderr).toContain('metadata.source.committedAt: must be an ISO time with its zone, e.g. "2026-12-01T09:30:00Z"');
});
