/**
 * `lockstep list` and `lockstep history` as an operator reads them, through real CLI processes, a
 * real worker process and the suite's dev server: versions, a duration and the first error of each
 * release, read from Temporal's visibility; an environment's releases newest first; one service's
 * version in each release and whether it stayed.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli, type CliResult } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';

const taskQueue = `hist-${randomUUID()}`;
const cliEnv = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

interface Row {
  workflowId: string;
  status: string;
  running: boolean;
  durationMs: number;
  closeTime?: string;
  versions?: Record<string, string>;
  firstError?: string;
  version?: string;
  serviceOutcome?: string;
}

function rowsOf(result: CliResult): Row[] {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Row[];
}

test('after a succeeded and a rolled-back release: list shows versions, duration and first error; history lists them newest first, per service with its outcome', async () => {
  const environment = `hist-${randomUUID().slice(0, 8)}`;
  const fleet = new FakeFleet({ payments: '1.0.0', orders: '5.0.0' });
  const manifest = (id: string, payments: string, orders: string) => {
    const m = fleet.manifest(id, [fleet.service('payments', payments), fleet.service('orders', orders, { dependsOn: ['payments'] })]);
    m.metadata.environment = environment;
    return fleet.writeManifest(m, `${id}.json`);
  };
  const ok = `ok-${randomUUID().slice(0, 8)}`;
  const bad = `bad-${randomUUID().slice(0, 8)}`;
  expect((await runCli(['release', manifest(ok, '2.0.0', '5.1.0'), '--wait'], cliEnv)).code).toBe(0);
  fleet.env.FAIL_DEPLOY = 'orders';
  expect((await runCli(['release', manifest(bad, '2.1.0', '5.2.0'), '--wait'], cliEnv)).code).toBe(1);
  const okId = `release/${environment}/${ok}`;
  const badId = `release/${environment}/${bad}`;

  // visibility catches up with the close of the second release shortly after it ends
  const listed = await waitFor(async () => {
    const rows = rowsOf(await runCli(['list', '--environment', environment, '--json'], cliEnv));
    return rows.length === 2 && rows.every((r) => !r.running) && rows;
  }, 'both releases listed as closed');
  expect(listed.map((r) => [r.workflowId, r.status])).toEqual([
    [badId, 'RolledBack'],
    [okId, 'Succeeded'],
  ]);
  expect(listed[0]).toMatchObject({ versions: { payments: '2.1.0', orders: '5.2.0' }, firstError: expect.stringMatching(/^orders deploy: /) });
  expect(listed[1]).toMatchObject({ versions: { payments: '2.0.0', orders: '5.1.0' }, closeTime: expect.any(String) });
  expect(listed[1]!.firstError).toBeUndefined();
  expect(listed.every((r) => r.durationMs > 0)).toBe(true);

  const text = await runCli(['list', '--environment', environment], cliEnv);
  expect(text.code).toBe(0);
  const [badLine, okLine, ...rest] = text.stdout.trimEnd().split('\n');
  expect(rest).toEqual([]);
  expect(badLine).toMatch(new RegExp(`RolledBack +${badId}  \\d[\\d.]*(ms|s|m)\\S*  \\(payments@2\\.1\\.0, orders@5\\.2\\.0\\)  first error: orders deploy: `));
  expect(okLine).toMatch(new RegExp(`Succeeded +${okId}  \\d[\\d.]*(ms|s|m)\\S*  \\(payments@2\\.0\\.0, orders@5\\.1\\.0\\)$`));

  const history = await runCli(['history', environment], cliEnv);
  expect(history.code).toBe(0);
  expect(history.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[2])).toEqual([badId, okId]);
  expect(rowsOf(await runCli(['history', environment, '--json', '--limit', '1'], cliEnv)).map((r) => r.workflowId)).toEqual([badId]);

  const orders = await runCli(['history', environment, 'orders'], cliEnv);
  expect(orders.code).toBe(0);
  const [ordersBad, ordersOk] = orders.stdout.trimEnd().split('\n');
  expect(ordersBad).toMatch(new RegExp(`orders@5\\.2\\.0 +rolled back +${badId} .* first error: orders deploy: `));
  expect(ordersOk).toMatch(new RegExp(`orders@5\\.1\\.0 +stayed +${okId} `));
  expect(rowsOf(await runCli(['history', environment, 'payments', '--json'], cliEnv)).map((r) => [r.version, r.serviceOutcome, r.status])).toEqual([
    ['2.1.0', 'rolled back', 'RolledBack'],
    ['2.0.0', 'stayed', 'Succeeded'],
  ]);
  expect((await runCli(['history', environment, 'billing'], cliEnv)).stdout).toBe(`no releases of billing in ${environment}\n`);
});

test('a release still running lists as "running <time>"; bad input is refused naming it', async () => {
  const environment = `hist-${randomUUID().slice(0, 8)}`;
  const fleet = new FakeFleet({ payments: '1.0.0' });
  const id = `held-${randomUUID().slice(0, 8)}`;
  const m = fleet.manifest(id, [fleet.service('payments', '3.0.0')], { gates: [{ name: 'hold', before: ['payments'], timeout: '5m' }] });
  m.metadata.environment = environment;
  expect((await runCli(['release', fleet.writeManifest(m)], cliEnv)).code).toBe(0);
  const line = await waitFor(async () => {
    const out = await runCli(['history', environment], cliEnv);
    return out.stdout.includes('AwaitingApproval') && out.stdout;
  }, 'the release to wait at its gate');
  expect(line).toMatch(new RegExp(`AwaitingApproval +release/${environment}/${id}  running \\d\\S*  \\(payments@3\\.0\\.0\\)\\n$`));
  expect((await runCli(['abort', `${environment}/${id}`, '--reason', 'done looking'], cliEnv)).code).toBe(0);

  for (const [args, stderr] of [
    [['history', 'Prod'], 'lockstep: environment Prod: not an environment name (lowercase letters, digits and dashes)\n'],
    [['history', 'prod', 'pay"ments'], 'lockstep: service pay"ments: not a service name (lowercase letters, digits and dashes)\n'],
    [['history', 'prod', '--limit', '0'], 'lockstep: --limit 0: give a positive whole number\n'],
  ] as const) {
    const refused = await runCli([...args], cliEnv);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 3, stderr });
  }
});
