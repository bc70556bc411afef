/**
 * The demo's `checkout-flow` check (demo/release-v*.yaml) against the demo's own services
 * (demo/fleet-service.js, real processes), moved to free ports: it passes while orders can reach
 * payments, and names the field when it cannot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckContext } from '../../src/checks/check';
import { createCheck } from '../../src/checks/createCheck';
import { createLogger } from '../../src/logging/logger';
import { parseManifestText } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import { waitFor } from '../support/waitFor';

const DEMO = resolve(__dirname, '..', '..', 'demo');
const running: ChildProcess[] = [];
let ports: { payments: number; orders: number };

async function startService(name: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(DEMO, 'fleet-service.js'), '--name', name, '--port', String(port), '--version', '2.0.0', ...extra], {
    stdio: 'ignore',
  });
  running.push(child);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/version`)).ok, `${name} to answer on ${port}`);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolveExit) => {
    child.once('exit', resolveExit);
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  ports = { payments: await freePort(), orders: await freePort() };
  await startService('payments', ports.payments);
  await startService('orders', ports.orders, ['--payments-url', `http://127.0.0.1:${ports.payments}`]);
});
afterAll(async () => {
  await Promise.all(running.map(stop));
});

/** The demo manifest's check, with the services' fixed ports replaced by this test's. */
function demoCheck(file: string) {
  const text = readFileSync(join(DEMO, file), 'utf8').replaceAll('127.0.0.1:7313', `127.0.0.1:${ports.orders}`);
  const check = parseManifestText(text, join(DEMO, file)).manifest.spec.checks.find((c) => c.name === 'checkout-flow');
  if (!check) throw new Error(`${file} has no checkout-flow check`);
  return check;
}

const logger = createLogger({ component: 'demo-check-test' });
logger.level = 'error';
const context = (versions: Record<string, string>): CheckContext => ({
  releaseId: 'demo',
  environment: 'demo',
  check: 'checkout-flow',
  moment: 'final',
  run: 1,
  baseDir: DEMO,
  versions,
  services: [],
  signal: new AbortController().signal,
  heartbeat: () => undefined,
  logger,
});
const VERSIONS = { 'db-schema': '2.0.0', payments: '2.0.0', orders: '2.0.0', notifications: '2.0.0' };

test('both demo manifests carry the check: final, also after a rollback', () => {
  for (const file of ['release-v2.yaml', 'release-v3.yaml']) {
    expect(demoCheck(file)).toMatchObject({ kind: 'synthetic', when: 'final', alsoAfterRollback: true });
  }
});

test('the checkout flow passes on the 2.0.0 fleet; it expects the versions that run', async () => {
  const outcome = await createCheck(demoCheck('release-v2.yaml')).run(context(VERSIONS));
  expect(outcome.summary).toBe('2 of 2 steps passed');
  expect(outcome.findings.map((f) => f.item)).toEqual([
    `place an order: POST http://127.0.0.1:${ports.orders}/orders`,
    expect.stringMatching(new RegExp(`^payments paid it: GET http://127\\.0\\.0\\.1:${ports.orders}/orders/ord-\\d+$`)),
  ]);
  // the same fleet is not what a release to 3.0.0 would leave running
  const wrong = await createCheck(demoCheck('release-v3.yaml')).run(context({ ...VERSIONS, orders: '3.0.0' }));
  expect(wrong.findings[0]!.message).toMatch(/^HTTP 201 in \d+ms, but \$\.version: expected "3\.0\.0", got "2\.0\.0"; the body was \{"id":"ord-\d+","item":"book","state":"created","version":"2\.0\.0"\}$/);
});

test('with payments down, the order stays created and the check says so, with orders\' own reason', async () => {
  await stop(running[0]!);
  const outcome = await createCheck(demoCheck('release-v2.yaml')).run(context(VERSIONS));
  expect(outcome.status).toBe('failed');
  expect(outcome.findings[1]!.message).toMatch(/^HTTP 200 in \d+ms, but \$\.state: expected "paid", got "created"; \$\.paidBy: expected \{"service":"payments","version":"2\.0\.0"\}, got no such field; the body was .*"paymentError":"payments unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+"/);
});
