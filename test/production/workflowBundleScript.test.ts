/**
 * scripts/build-workflow-bundle.ts, which the Dockerfile runs at image build time: the file it
 * writes is what a `lockstep worker` process started with LOCKSTEP_WORKFLOW_BUNDLE=<file> runs
 * releases with (the image's start path), against the suite's Temporal server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseManifestText } from '../../src/manifest/loadManifest';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { startRelease } from '../../src/release/startRelease';
import { PREBUILT_BUNDLE_ENV } from '../../workers/releaseWorker';
import { runProcess } from '../support/runCli';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const taskQueue = `bundle-script-${randomUUID()}`;
let dir: string;
let connection: Connection | undefined;
let worker: WorkerProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-bundle-'));
});

afterAll(async () => {
  await Promise.all([worker?.stop(), connection?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('the script writes the bundle file and says how a worker uses it', async () => {
  const file = join(dir, 'image', 'workflow-bundle.js');
  const run = await runProcess(TSX, [join(ROOT, 'scripts', 'build-workflow-bundle.ts'), file], {}, 300_000);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(`workflow bundle written to ${file}`);
  expect(run.stderr).toContain(`${PREBUILT_BUNDLE_ENV}=${file}`);
  expect(statSync(file).size).toBeGreaterThan(0);
});

test('a worker started from that file polls and runs a release to its end', async () => {
  const file = join(dir, 'image', 'workflow-bundle.js');
  worker = await startWorkerProcess(taskQueue, { [PREBUILT_BUNDLE_ENV]: file });
  expect(worker.output()).toContain(`lockstep worker: polling ${taskQueue}`);

  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const manifest = parseManifestText(
    [
      'apiVersion: lockstep/v1',
      'kind: Release',
      'metadata: { environment: bundle-script }',
      'spec:',
      '  services:',
      '    - { name: api, version: "2.0.0", target: { kind: simulated } }',
      '    - { name: web, version: "2.0.0", dependsOn: [api], target: { kind: simulated } }',
    ].join('\n'),
    join(dir, 'release.yaml'),
  );
  const { handle } = await startRelease(client, manifest, taskQueue);
  const report = (await handle.result()) as ReleaseReport;
  expect(report.status).toBe('Succeeded');
  expect(report.services.map((s) => [s.name, s.status])).toEqual([
    ['api', 'Succeeded'],
    ['web', 'Succeeded'],
  ]);
});
