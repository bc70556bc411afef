/**
 * Notifications (`spec.notify`) against real local HTTP receivers: a CloudEvents webhook and a
 * Slack incoming webhook get the events they listed; a receiver that is down is retried, recorded
 * as failed in the report, and the release's outcome is unchanged. Real Temporal server and worker,
 * the user-style deploy script.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import { startRelease } from '../../src/release/startRelease';
import { approveSignal, statusQuery } from '../../workflows/messages';
import { FakeFleet } from '../support/fakeFleet';
import { testWorkerSuite } from '../support/testWorker';
import { waitFor } from '../support/waitFor';

const worker = testWorkerSuite();
const received: { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
let receiver: Server;
let base: string;
let downUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(req.url === '/refuse' ? 403 : 200).end(req.url === '/refuse' ? 'bad token' : 'ok');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${port}`;
  downUrl = `http://127.0.0.1:${await freePort()}/hook`; // nothing listens there
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

test('a rolled-back release sends a CloudEvent and a Slack message naming the failing service and step; a receiver that is down is recorded, the outcome unchanged', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.FAIL_DEPLOY = 'b';
  process.env.LOCKSTEP_TEST_HOOK_TOKEN = 'token-42';
  const manifest = fleet.manifest('notify-rollback', fleet.chain(['a', 'b'], '2.0.0'), {
    notify: [
      { kind: 'webhook', url: `${base}/events`, headers: { authorization: 'Bearer ${LOCKSTEP_TEST_HOOK_TOKEN}' } },
      { kind: 'slack', url: `${base}/slack`, on: ['RolledBack', 'Succeeded'] },
      { kind: 'webhook', url: downUrl },
      { kind: 'webhook', url: `${base}/refuse` },
      { kind: 'webhook', url: `${base}/never`, on: ['Succeeded'] },
    ],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  const report = await handle.result();

  expect(report.status).toBe('RolledBack');
  expect(fleet.applied()).toEqual(['deploy a 2.0.0', 'rollback b 1.0.0', 'rollback a 1.0.0']);
  const event = received.find((r) => r.path === '/events')!;
  expect(event.headers['content-type']).toBe('application/cloudevents+json');
  expect(event.headers.authorization).toBe('Bearer token-42');
  expect(event.body).toMatchObject({
    specversion: '1.0',
    type: 'dev.lockstep.release.rolledback',
    source: 'lockstep/test',
    subject: 'release/test/notify-rollback',
    data: { event: 'RolledBack', status: 'RolledBack', releaseId: 'notify-rollback', failure: { service: 'b', step: 'deploy' } },
  });
  expect(typeof event.body.id).toBe('string');
  const slack = received.find((r) => r.path === '/slack')!;
  expect(slack.body.text).toMatch(/^:leftwards_arrow_with_hook: release notify-rollback to test: RolledBack — b deploy: deploy of b 2\.0\.0 failed/);
  expect(received.some((r) => r.path === '/never')).toBe(false);
  // the refused one is not retried; the one that is down was tried three times
  expect(received.filter((r) => r.path === '/refuse')).toHaveLength(1);
  expect(report.notifications).toEqual([
    { event: 'RolledBack', kind: 'webhook', url: base, status: 'sent', attempts: 1 },
    { event: 'RolledBack', kind: 'slack', url: base, status: 'sent', attempts: 1 },
    { event: 'RolledBack', kind: 'webhook', url: new URL(downUrl).origin, status: 'failed', attempts: 3, error: expect.stringContaining('ECONNREFUSED') },
    { event: 'RolledBack', kind: 'webhook', url: base, status: 'failed', attempts: 1, error: `${base}/refuse answered HTTP 403: bad token` },
  ]);
});

test('a gate waiting for approval is announced while the release waits', async () => {
  const fleet = new FakeFleet({ a: '1.0.0' });
  const manifest = fleet.manifest('notify-gate', [fleet.service('a', '2.0.0')], {
    gates: [{ name: 'go', before: ['a'], timeout: '10m' }],
    notify: [{ kind: 'slack', url: `${base}/gate`, on: ['AwaitingApproval', 'Succeeded'] }],
  });
  const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest)), worker.taskQueue);
  await waitFor(() => received.some((r) => r.path === '/gate'), 'the AwaitingApproval notification');
  expect((await handle.query(statusQuery)).status).toBe('AwaitingApproval');
  expect(received.find((r) => r.path === '/gate')!.body.text).toBe(':raised_hand: release notify-gate to test: AwaitingApproval — gate go waits for approval');
  await handle.signal(approveSignal, { gate: 'go', by: 'alice' });
  const report = await handle.result();
  expect(report.status).toBe('Succeeded');
  expect(report.notifications!.map((n) => `${n.event}:${n.status}`)).toEqual(['AwaitingApproval:sent', 'Succeeded:sent']);
});
