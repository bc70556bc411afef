/**
 * `lockstep release` as CI runs it: a real CLI process, a real worker process, the real server.
 * Exit codes, refusal of invalid manifests, and search attributes as the Temporal CLI sees them.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { resolveTemporalCli } from '../../src/temporal/temporalCli';
import { waitFor } from '../support/waitFor';

const taskQueue = `cli-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

async function workflowsOf(releaseId: string): Promise<number> {
  let n = 0;
  for await (const _ of suite.client.workflow.list({ query: `LockstepReleaseId = "${releaseId}"` })) n++;
  return n;
}

test('release --wait exits 0 on Succeeded and prints the report; the Temporal CLI finds it by search attributes', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  const id = `cli-ok-${randomUUID().slice(0, 8)}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]));
  const result = await runCli(['release', file, '--wait'], env);
  expect(result.stderr).toContain(`release/test/${id} started`);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`release release/test/${id}: Succeeded`);
  expect([fleet.version('a'), fleet.version('b')]).toEqual(['2.0.0', '2.0.0']);

  const temporal = await resolveTemporalCli();
  const list = (query: string) =>
    JSON.parse(
      execFileSync(temporal, ['workflow', 'list', '--address', process.env.TEMPORAL_ADDRESS!, '--query', query, '--output', 'json'], {
        encoding: 'utf8',
      }) || '[]',
    ) as { execution: { workflowId: string } }[];
  const ids = (query: string) => list(query).map((w) => w.execution.workflowId);
  expect(ids(`LockstepReleaseId = "${id}"`)).toEqual([`release/test/${id}`]);
  expect(ids(`LockstepReleaseId = "${id}" AND LockstepStatus = "Succeeded"`)).toEqual([`release/test/${id}`]);
  expect(ids(`LockstepReleaseId = "${id}" AND LockstepEnvironment = "test" AND LockstepServices = "b"`)).toEqual([`release/test/${id}`]);

  // the same release id again returns the existing release instead of starting another
  const again = await runCli(['release', file, '--wait', '--json'], env);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout).status).toBe('Succeeded');
  expect(await workflowsOf(id)).toBe(1);
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'deploy b 2.0.0']);
});

test('the same release id with another manifest is refused (exit 3, naming what differs); the same manifest normalised alike follows it', async () => {
  const fleet = new FakeFleet({ payments: '5.0.0', orders: '5.0.0' });
  const id = `sprint-${randomUUID().slice(0, 8)}`;
  const first = fleet.writeManifest(fleet.manifest(id, [fleet.service('payments', '6.0.0'), fleet.service('orders', '6.0.0', { dependsOn: ['payments'] })]), 'sprint.json');
  expect((await runCli(['release', first, '--wait'], env)).code).toBe(0);

  const bumped = fleet.writeManifest(fleet.manifest(id, [fleet.service('payments', '6.0.1'), fleet.service('orders', '6.0.0', { dependsOn: ['payments'] })]), 'bumped.json');
  const refused = await runCli(['release', bumped, '--wait'], env);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain(`refused: release/test/${id} already exists with a different manifest`);
  expect(refused.stderr).toContain('payments: version 6.0.0 in the existing release, 6.0.1 in this manifest');
  expect(refused.stderr).not.toContain('orders:');
  expect(refused.stdout).toBe('');
  expect(await workflowsOf(id)).toBe(1);
  expect(fleet.applied()).toEqual(['deploy payments 6.0.0', 'deploy orders 6.0.0']);

  // written differently, normalised the same: a default spelled out, a relative cwd that resolves alike
  const same = fleet.manifest(id, [fleet.service('payments', '6.0.0'), fleet.service('orders', '6.0.0', { dependsOn: ['payments'] })]);
  same.spec.maxParallel = 10;
  Object.assign(same.spec.services[0]!.target, { cwd: '.' });
  const followed = await runCli(['release', fleet.writeManifest(same, 'same.json'), '--wait', '--json'], env);
  expect(followed.code).toBe(0);
  expect(await workflowsOf(id)).toBe(1);
  expect(JSON.parse(followed.stdout).services.map((s: { version: string }) => s.version)).toEqual(['6.0.0', '6.0.0']);
});

test('release --wait exits 1 on RolledBack and 2 on RollbackFailed, naming the service', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.UNHEALTHY = 'b@2.0.0';
  const rolledBack = fleet.writeManifest(fleet.manifest('cli-rb', [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]), 'rb.json');
  const r1 = await runCli(['release', rolledBack, '--wait'], env);
  expect(r1.code).toBe(1);
  expect(r1.stdout).toContain('RolledBack');
  expect(r1.stdout).toMatch(/first error: b probe: health probe of b failed/);
  expect(r1.stdout).toContain('compensations (newest first): b -> a');

  fleet.env.FAIL_ROLLBACK = 'a';
  const failed = fleet.writeManifest(fleet.manifest('cli-rbf', [fleet.service('a', '3.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]), 'rbf.json');
  const r2 = await runCli(['release', failed, '--wait', '--json'], env);
  expect(r2.code).toBe(2);
  const report = JSON.parse(r2.stdout);
  expect(report.status).toBe('RollbackFailed');
  expect(report.rollbackFailures[0].service).toBe('a');
  expect(report.services.map((s: { name: string }) => s.name)).toEqual(['a', 'b']);
});

test('a step that found nothing to change reads unchanged in the text and Markdown reports, not as work done', async () => {
  // a already runs 2.0.0: its deploy is a no-op. (A rollback always runs, since a deploy may have half-applied.)
  const fleet = new FakeFleet({ a: '2.0.0', b: '1.0.0' });
  const id = `cli-noop-${randomUUID().slice(0, 8)}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]));
  const result = await runCli(['release', file, '--wait'], env);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^ +a +unchanged +target 2\.0\.0, before 2\.0\.0, now 2\.0\.0/m);
  expect(result.stdout).toMatch(/^ +b +Succeeded +target 2\.0\.0, before 1\.0\.0, now 2\.0\.0/m);
  expect(fleet.applied()).toEqual(['deploy b 2.0.0']);

  const md = await runCli(['report', `test/${id}`, '--format', 'md'], env);
  expect(md.code).toBe(0);
  expect(md.stdout).toContain('| a | unchanged | 2.0.0 | 2.0.0 | 2.0.0 |');
  expect(md.stdout).toContain('| b | Succeeded |');
  const json = JSON.parse((await runCli(['report', `test/${id}`, '--json'], env)).stdout);
  expect(json.services[0].steps).toContainEqual(expect.objectContaining({ step: 'deploy', outcome: 'noop' }));
});

test('a deploy program that does not exist is found in preflight, on the worker: Rejected, nothing touched, naming the service and the path', async () => {
  const fleet = new FakeFleet({ 'db-migrate': '1.0.0', api: '1.0.0' });
  const id = `cli-typo-${randomUUID().slice(0, 8)}`;
  const typo = fleet.service('api', '2.0.0', { dependsOn: ['db-migrate'] });
  if (typo.target.kind === 'command') typo.target.deploy = ['./deplyo.sh', 'api'];
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('db-migrate', '2.0.0'), typo]));
  const result = await runCli(['release', file, '--wait', '--json'], env);
  expect(result.code).toBe(1);
  const report = JSON.parse(result.stdout);
  expect(report.status).toBe('Rejected');
  expect(report.firstError).toMatchObject({ step: 'preflight', service: 'api' });
  expect(report.firstError.message).toMatch(/^api: deploy program \/.*\/deplyo\.sh does not exist$/);
  expect(report.programChecks.findings).toEqual([expect.objectContaining({ service: 'api', what: 'deploy', problem: 'does not exist' })]);
  expect(fleet.applied()).toEqual([]); // db-migrate, which comes first, was not deployed
});

test('release exits 4 when Temporal cannot be reached', async () => {
  const fleet = new FakeFleet();
  const file = fleet.writeManifest(fleet.manifest('unreachable', [fleet.service('a', '1.0.0')]));
  const result = await runCli(['release', file, '--wait'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(result.code).toBe(4);
  expect(result.stderr).toContain('cannot reach Temporal at 127.0.0.1:1');
});

const valid = () => {
  const fleet = new FakeFleet();
  return { fleet, m: fleet.manifest('x', [fleet.service('a', '1.0.0'), fleet.service('b', '1.0.0', { dependsOn: ['a'] })]) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test mutates arbitrary fields
};

const invalid: [string, (m: Record<string, any>) => void, string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- test mutates arbitrary fields
  ['a cycle', (m) => (m.spec.services[0].dependsOn = ['b']), 'dependency cycle: a -> b -> a'],
  ['an unknown dependency', (m) => (m.spec.services[1].dependsOn = ['zzz']), 'spec.services[1].dependsOn[0]: unknown service "zzz"'],
  ['a duplicate name', (m) => (m.spec.services[1].name = 'a'), 'spec.services[1].name: duplicate service name "a"'],
  ['an unknown key', (m) => (m.spec.services[0].replicas = 3), 'spec.services[0]: unknown key "replicas"'],
  ['argv as a shell string', (m) => (m.spec.services[0].target.deploy = './deploy.sh a'), 'spec.services[0].target.deploy: must be a list of arguments'],
  ['a bad duration', (m) => (m.spec.services[0].target.timeout = 'soon'), 'spec.services[0].target.timeout: "soon" is not a duration'],
  ['an absurd duration', (m) => (m.spec.services[0].health.timeout = '400d'), 'spec.services[0].health.timeout: "400d" is out of range'],
  ['an empty service list', (m) => (m.spec.services = []), 'spec.services: must list at least one service'],
  ['a wrong type', (m) => (m.spec.maxParallel = 'ten'), 'spec.maxParallel'],
  ['a missing version', (m) => delete m.spec.services[0].version, 'spec.services[0].version'],
  ['a bad apiVersion', (m) => (m.apiVersion = 'v1'), 'apiVersion: must be "lockstep/v1"'],
  ['a health block without a probe', (m) => (m.spec.services[0].health = { interval: '1s' }), 'spec.services[0].health: needs exactly one probe'],
  ['a bad service name', (m) => (m.spec.services[0].name = 'Payments Service'), 'spec.services[0].name'],
];

test.each(invalid)('%s: exit 3 with the field path, and no workflow started', async (_what, mutate, expected) => {
  const { fleet, m } = valid();
  const id = `bad-${randomUUID().slice(0, 8)}`;
  m.metadata.id = id;
  mutate(m);
  const result = await runCli(['release', fleet.writeManifest(m), '--wait'], env);
  expect(result.code).toBe(3);
  expect(result.stderr).toContain(expected);
  expect(await workflowsOf(id)).toBe(0);
});

test('a manifest that is not a file, or not YAML, exits 3', async () => {
  const missing = await runCli(['release', '/nonexistent/manifest.yaml', '--wait'], env);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain('cannot read the file: ENOENT');
});

test('plan prints the deploy order and the compensation order', async () => {
  const { fleet, m } = valid();
  const result = await runCli(['plan', fleet.writeManifest(m)]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('wave 1: a');
  expect(result.stdout).toContain('wave 2: b');
  expect(result.stdout).toContain('b -> a');
});

test('status --json shows the live release: top-level status and each service with its versions', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.hold('deploy', 'b'); // deploying until the abort
  const id = `cli-status-${randomUUID().slice(0, 8)}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]));
  const started = await runCli(['release', file, '--json'], env);
  expect(started.code).toBe(0);
  expect(JSON.parse(started.stdout)).toMatchObject({ workflowId: `release/test/${id}`, started: true });
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start b')), 'b to start deploying');

  const status = await runCli(['status', `test/${id}`, '--json'], env);
  expect(status.code).toBe(0);
  const live = JSON.parse(status.stdout);
  expect(live.status).toBe('Deploying');
  expect(live.services).toEqual([
    expect.objectContaining({ name: 'a', status: 'Succeeded', version: '2.0.0', previousVersion: '1.0.0' }),
    expect.objectContaining({ name: 'b', status: 'Deploying', version: '2.0.0', previousVersion: '1.0.0' }),
  ]);
  await suite.client.workflow.getHandle(`release/test/${id}`).signal('abort', { reason: 'test over' });
  const final = await suite.client.workflow.getHandle(`release/test/${id}`).result();
  expect(final.status).toBe('RolledBack');

  const unknown = await runCli(['status', 'test/no-such-release'], env);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain('no release release/test/no-such-release');
});

test('release warns when no worker polls the task queue', async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  const id = `cli-noworker-${randomUUID().slice(0, 8)}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0')]));
  const result = await runCli(['release', file], { LOCKSTEP_TASK_QUEUE: `nobody-${id}` });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(`no worker polls task queue "nobody-${id}" yet`);
  await suite.client.workflow.getHandle(`release/test/${id}`).terminate('test over');
});
