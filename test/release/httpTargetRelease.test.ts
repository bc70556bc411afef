/**
 * A release of two `http` services through a real Temporal server and worker, against a real
 * deploy API on 127.0.0.1 (test/support/fakeDeployApi.ts). The second's deploy half-applies (the
 * API pushes its config, then answers 500 on every attempt) while `current` still reads the old
 * version; the release rolls both back, b's rollback included, and every request carried the
 * step's idempotency key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/loadManifest';
import type { ManifestInput } from '../../src/manifest/schema';
import { startRelease } from '../../src/release/startRelease';
import { FakeDeployApi } from '../support/fakeDeployApi';
import { testWorkerSuite } from '../support/testWorker';

const worker = testWorkerSuite();
let api: FakeDeployApi;
let dir: string;
beforeAll(async () => {
  api = await FakeDeployApi.start({ a: '1.0.0', b: '1.0.0' });
  dir = mkdtempSync(join(tmpdir(), 'lockstep-http-release-'));
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type ServiceInput = ManifestInput['spec']['services'][number];

const service = (name: string, dependsOn: string[]): ServiceInput => ({
  name,
  version: '2.0.0',
  dependsOn,
  target: {
    kind: 'http',
    deploy: { url: `${api.url}/api/{{service}}/deploy`, json: { version: '{{version}}' } },
    current: { url: `${api.url}/api/{{service}}`, jsonPath: '$.deployment.version' },
    timeout: '30s',
  },
});

test('b half-applies and answers 500 on every attempt: both are rolled back, b although current read 1.0.0; keys name workflow, service and step', async () => {
  api.halfApply('b', '2.0.0');
  const releaseId = `http-half-applied-${Date.now()}`;
  const manifest: ManifestInput = {
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id: releaseId, environment: 'http-target' },
    spec: { services: [service('a', []), service('b', ['a'])], retries: { deployAttempts: 2, rollbackAttempts: 3, initialInterval: '100ms' } },
  };
  const file = join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  const { handle } = await startRelease(worker.client, loadManifest(file), worker.taskQueue);
  const report = await handle.result();
  const id = handle.workflowId;

  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'b', step: 'deploy' });
  expect(report.firstError!.message).toContain(`POST ${api.url}/api/b/deploy answered HTTP 500: config 2.0.0 pushed; rollout refused: image pull failed`);
  expect(report.compensationOrder).toEqual(['b', 'a']);
  const steps = (name: string) => report.services.find((s) => s.name === name)!.steps.map((s) => `${s.step}:${s.outcome}`);
  expect(steps('b')).toEqual(['current:ok', 'deploy:failed', 'rollback:ok']);
  expect(steps('a')).toEqual(['current:ok', 'deploy:ok', 'rollback:ok']);

  // both attempts of b half-applied; b's version never changed, so `current` read 1.0.0 throughout,
  // and its rollback was sent all the same (the default: the deploy request with the old version)
  expect(api.effects).toEqual(['deploy a 2.0.0', 'half-apply b 2.0.0', 'half-apply b 2.0.0', 'deploy b 1.0.0', 'deploy a 1.0.0']);
  expect(['a', 'b'].map((s) => [api.version(s), api.config(s)])).toEqual([
    ['1.0.0', '1.0.0'],
    ['1.0.0', '1.0.0'],
  ]);

  const changes = api.requests.filter((r) => r.method === 'POST').map((r) => `${r.service} ${JSON.parse(r.body).version} ${r.idempotencyKey}`);
  expect(changes).toEqual([
    `a 2.0.0 ${id}:a:deploy`,
    `b 2.0.0 ${id}:b:deploy`,
    `b 2.0.0 ${id}:b:deploy`,
    `b 1.0.0 ${id}:b:rollback`,
    `a 1.0.0 ${id}:a:rollback`,
  ]);
  // the reads within a step carry that step's key; the first read (before any step) its own
  const reads = api.requests.filter((r) => r.method === 'GET' && r.service === 'b').map((r) => r.idempotencyKey);
  expect([...new Set(reads)]).toEqual([`${releaseId}:b:current`, `${id}:b:deploy`, `${id}:b:rollback`]);
});
