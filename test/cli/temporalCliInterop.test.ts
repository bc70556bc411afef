/**
 * The Temporal CLI as an outside client of a release: signals pause/resume/abort, the status
 * query, and `workflow list --query` on each search attribute.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FakeFleet } from '../support/fakeFleet';
import { startTestWorker, type TestWorker } from '../support/testWorker';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease } from '../../src/release/startRelease';
import { resolveTemporalCli } from '../../src/temporal/temporalCli';
import { waitFor } from '../support/waitFor';

const run = promisify(execFile);
let worker: TestWorker;
let temporal: string;
beforeAll(async () => {
  worker = await startTestWorker();
  temporal = await resolveTemporalCli();
});
afterAll(async () => {
  await worker?.stop();
});

const address = () => ['--address', process.env.TEMPORAL_ADDRESS!];
async function cli(...args: string[]): Promise<string> {
  return (await run(temporal, [...args, ...address()], { encoding: 'utf8' })).stdout;
}

test('pause, resume, query status and abort with `temporal workflow ...`; list finds it by every search attribute', async () => {
  const fleet = new FakeFleet({ a: '1', b: '1', c: '1' });
  fleet.hold('deploy', 'a'); // a deploys until the pause has landed, however long the Temporal CLI takes
  const id = `interop-${randomUUID().slice(0, 8)}`;
  const manifest = fleet.manifest(id, fleet.chain(['a', 'b', 'c'], '2'), {
    gates: [{ name: 'hold', before: ['c'], timeout: '5m' }], // keeps the release running until the abort
  });
  const { workflowId, handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  const status = async () => {
    const out = await cli('workflow', 'query', '--workflow-id', workflowId, '--type', 'status', '--output', 'json');
    const parsed = JSON.parse(out) as { queryResult: { status: string; services: { name: string; status: string }[] }[] };
    return parsed.queryResult[0]!;
  };

  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start a')), 'a to start');
  await cli('workflow', 'signal', '--workflow-id', workflowId, '--name', 'pause');
  await waitFor(async () => (await status()).status === 'Paused', 'the Temporal CLI to see Paused while a deploys');
  fleet.letGo('deploy', 'a');
  // paused: the step in flight (a) finishes, nothing new starts
  await waitFor(async () => {
    const s = await status();
    return s.status === 'Paused' && s.services[0]!.status === 'Succeeded';
  }, 'the Temporal CLI to see Paused with a done');
  expect((await status()).services.map((s) => s.status)).toEqual(['Succeeded', 'Pending', 'Pending']);
  expect(fleet.applied()).toEqual(['deploy a 2']);
  await cli('workflow', 'signal', '--workflow-id', workflowId, '--name', 'resume');
  await waitFor(async () => (await status()).status === 'AwaitingApproval', 'b deployed after resume, c held at its gate');
  await cli('workflow', 'signal', '--workflow-id', workflowId, '--name', 'abort', '--input', '{"reason":"from the Temporal CLI"}');
  const report = await handle.result();
  expect(report.status).toBe('RolledBack');
  expect(report.abort?.reason).toBe('from the Temporal CLI');
  expect([fleet.version('a'), fleet.version('b'), fleet.version('c')]).toEqual(['1', '1', '1']);

  const ids = async (query: string) =>
    (JSON.parse((await cli('workflow', 'list', '--query', query, '--output', 'json')) || '[]') as { execution: { workflowId: string } }[]).map(
      (w) => w.execution.workflowId,
    );
  for (const query of [
    `LockstepReleaseId = "${id}"`,
    `LockstepReleaseId = "${id}" AND LockstepEnvironment = "test"`,
    `LockstepReleaseId = "${id}" AND LockstepServices = "c"`,
    `LockstepReleaseId = "${id}" AND LockstepStatus = "RolledBack"`,
  ]) {
    await waitFor(async () => (await ids(query)).includes(workflowId), `list --query '${query}'`);
  }
  expect(await ids(`LockstepReleaseId = "${id}" AND LockstepStatus = "Succeeded"`)).toEqual([]);
});
