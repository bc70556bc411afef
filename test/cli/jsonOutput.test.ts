/**
 * `--json` on every command that prints, through real CLI processes and a real worker: the output
 * parses and carries the expected fields; a refusal stays one line on stderr with its exit code.
 */
import { randomUUID } from 'node:crypto';
import { FakeFleet } from '../support/fakeFleet';
import { runCli, type CliResult } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';
import { statusQuery } from '../../workflows/messages';

const taskQueue = `json-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

function json(result: CliResult): any { // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field below
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout);
}

test('release, pause, resume, approve, abort, status, report, list and plan print JSON', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1', c: '1' });
  fleet.hold('deploy', 'a'); // a deploys until the pause has landed
  const id = `json-${randomUUID().slice(0, 8)}`;
  const workflowId = `release/test/${id}`;
  const file = fleet.writeManifest(
    fleet.manifest(id, fleet.chain(['a', 'b', 'c'], '2'), {
      gates: [
        { name: 'ok', before: ['b'], approvers: ['alice'], timeout: '5m' },
        { name: 'hold', before: ['c'], timeout: '5m' },
      ],
    }),
  );
  const plan = json(await runCli(['plan', file, '--json']));
  expect(plan).toMatchObject({ environment: 'test', waves: [['a'], ['b'], ['c']], compensationOrder: ['c', 'b', 'a'] });

  expect(json(await runCli(['release', file, '--json'], env))).toEqual({ workflowId, releaseId: id, started: true });
  const handle = suite.client.workflow.getHandle(workflowId);
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start a')), 'a to start');

  expect(json(await runCli(['pause', `test/${id}`, '--json'], env))).toEqual({ workflowId, action: 'pause', answer: 'pause sent' });
  await waitFor(async () => (await handle.query(statusQuery)).status === 'Paused', 'Paused');
  fleet.letGo('deploy', 'a');
  expect(json(await runCli(['resume', `test/${id}`, '--json'], env))).toEqual({ workflowId, action: 'resume', answer: 'resume sent' });
  await waitFor(async () => (await handle.query(statusQuery)).status === 'AwaitingApproval', 'gate ok');

  const refused = await runCli(['approve', workflowId, '--gate', 'ok', '--by', 'mallory', '--json'], env);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toBe('lockstep: refused: "mallory" may not approve gate "ok" (approvers: alice)\n');
  expect(json(await runCli(['approve', workflowId, '--gate', 'ok', '--by', 'alice', '--json'], env))).toEqual({
    workflowId,
    action: 'approve',
    answer: 'gate "ok" approved by alice',
  });
  await waitFor(async () => {
    const s = await handle.query(statusQuery);
    return s.status === 'AwaitingApproval' && s.services[1]!.status === 'Succeeded';
  }, 'b deployed, gate hold waiting');

  const live = json(await runCli(['status', `test/${id}`, '--json'], env));
  expect(live).toMatchObject({ workflowId, status: 'AwaitingApproval' });
  expect(live.services.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
    ['a', 'Succeeded'],
    ['b', 'Succeeded'],
    ['c', 'Pending'],
  ]);

  expect(json(await runCli(['abort', `test/${id}`, '--reason', 'enough', '--json'], env))).toEqual({
    workflowId,
    action: 'abort',
    answer: 'abort accepted: rolling back',
  });
  expect((await handle.result()).status).toBe('RolledBack');
  const late = await runCli(['abort', `test/${id}`, '--reason', 'again', '--json'], env);
  expect({ code: late.code, stdout: late.stdout, stderr: late.stderr }).toEqual({
    code: 1,
    stdout: '',
    stderr: `lockstep: refused: release ${workflowId} already ended RolledBack\n`,
  });

  const report = json(await runCli(['report', `test/${id}`, '--json'], env));
  expect(report).toMatchObject({ workflowId, status: 'RolledBack', abort: { reason: 'enough' }, compensationOrder: ['b', 'a'] });
  expect(json(await runCli(['report', `test/${id}`, '--format', 'json'], env))).toEqual(report);
  const contradiction = await runCli(['report', `test/${id}`, '--json', '--format', 'md'], env);
  expect({ code: contradiction.code, stderr: contradiction.stderr }).toEqual({
    code: 3,
    stderr: 'lockstep: --json and --format md contradict each other; give one of them\n',
  });

  const listed = await waitFor(async () => {
    const rows = json(await runCli(['list', '--environment', 'test', '--status', 'RolledBack', '--limit', '200', '--json'], env)) as { workflowId: string }[];
    return rows.find((r) => r.workflowId === workflowId);
  }, 'the release listed as RolledBack');
  expect(listed).toEqual({
    workflowId,
    status: 'RolledBack',
    startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    closeTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    durationMs: expect.any(Number),
    running: false,
    services: ['a', 'b', 'c'],
    versions: { a: '2', b: '2', c: '2' },
    firstError: 'abort: aborted by operator: enough',
  });
});

test('release --wait --json prints the report; a bad release reference is one line and exit 3', async () => {
  const fleet = new FakeFleet({ a: '1' });
  const id = `json-wait-${randomUUID().slice(0, 8)}`;
  const result = await runCli(['release', fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2')])), '--wait', '--json'], env);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ workflowId: `release/test/${id}`, status: 'Succeeded', services: [{ name: 'a', status: 'Succeeded', version: '2', previousVersion: '1' }] });

  const badRef = await runCli(['status', 'not-a-reference', '--json'], env);
  expect({ code: badRef.code, stdout: badRef.stdout, stderr: badRef.stderr }).toEqual({
    code: 3,
    stdout: '',
    stderr: 'lockstep: "not-a-reference" is not a release reference; give release/<environment>/<id> or <environment>/<id>\n',
  });
});
