/**
 * Load: 20 releases of 10 services each, started at once, on ONE worker process. Every release
 * must be correct (every service on its new version, each deploy applied once, dependencies
 * respected); the wall time and the worker's memory are measured and recorded for
 * docs/RELIABILITY.md. The services are deployed by a POSIX sh script through the command target,
 * so what is measured is Lockstep and Temporal, not the start-up time of a deploy tool.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadManifest } from '../../src/manifest/loadManifest';
import type { ManifestInput } from '../../src/manifest/schema';
import { startRelease } from '../../src/release/startRelease';
import { recordFigures } from '../support/reliabilityFigures';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

const SH_TARGET = resolve(__dirname, '..', 'fixtures', 'sh-target.sh');
const RELEASES = 20;
const SERVICES = 10;
/** Each release: s0..s9, where s<i> depends on s<i-3> (four waves, up to three deploys at once per release). */
const dependsOn = (i: number): string[] => (i >= 3 ? [`s${i - 3}`] : []);

let worker: WorkerProcess | undefined;
let client: Client;
beforeAll(async () => {
  client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
});

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

function releaseManifest(dir: string, id: string): ManifestInput {
  const call = (action: string, name: string) => [SH_TARGET, action, name, dir];
  return {
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    // one release at a time per environment: these run at once, so each has its own
    metadata: { id, environment: `load-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '-') },
    spec: {
      services: Array.from({ length: SERVICES }, (_, i) => ({
        name: `s${i}`,
        version: '2.0.0',
        dependsOn: dependsOn(i),
        target: { kind: 'command' as const, deploy: call('deploy', `s${i}`), current: call('current', `s${i}`), timeout: '60s' },
        health: { command: call('health', `s${i}`), interval: '100ms', timeout: '30s' },
      })),
    },
  };
}

describe('load: 20 releases of 10 services at once on one worker', () => {
  test('all 20 Succeeded, all 200 services on 2.0.0, each deploy applied once, in dependency order; time and peak memory recorded', async () => {
    const taskQueue = `load-${randomUUID()}`;
    worker = await startWorkerProcess(taskQueue, { LOCKSTEP_LOG_LEVEL: 'warn' });
    const pid = worker.child.pid!;
    const atStart = memoryOf(pid);
    const run = randomUUID().slice(0, 8);
    const releases = Array.from({ length: RELEASES }, (_, r) => {
      const dir = mkdtempSync(join(tmpdir(), 'lockstep-load-'));
      for (let i = 0; i < SERVICES; i++) writeFileSync(join(dir, `s${i}.version`), '1.0.0\n');
      const id = `load-${run}-${r}`;
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(releaseManifest(dir, id)));
      return { dir, id };
    });

    let peakRssMiB = atStart.rssMiB;
    const sampler = setInterval(() => {
      peakRssMiB = Math.max(peakRssMiB, memoryOf(pid).rssMiB);
    }, 100);
    const started = performance.now();
    let reports;
    try {
      const handles = await Promise.all(
        releases.map(({ dir }) => startRelease(client, loadManifest(join(dir, 'manifest.json')), taskQueue)),
      );
      reports = await Promise.all(handles.map((h) => h.handle.result()));
    } finally {
      clearInterval(sampler);
    }
    const wallMs = Math.round(performance.now() - started);
    const atEnd = memoryOf(pid);
    peakRssMiB = Math.max(peakRssMiB, atEnd.rssMiB);

    expect(reports.map((r) => r.status)).toEqual(releases.map(() => 'Succeeded'));
    for (const { dir } of releases) {
      const versions = Array.from({ length: SERVICES }, (_, i) => readFileSync(join(dir, `s${i}.version`), 'utf8').trim());
      expect(versions).toEqual(versions.map(() => '2.0.0'));
      const applied = existsSync(join(dir, 'events.log')) ? readFileSync(join(dir, 'events.log'), 'utf8').split('\n').filter(Boolean) : [];
      expect([...applied].sort()).toEqual(Array.from({ length: SERVICES }, (_, i) => `deploy s${i} 2.0.0`).sort());
      const order = applied.map((line) => line.split(' ')[1]!);
      for (let i = 3; i < SERVICES; i++) expect(order.indexOf(`s${i}`)).toBeGreaterThan(order.indexOf(`s${i - 3}`));
    }
    // no step needed a second attempt
    expect(new Set(reports.flatMap((r) => r.services.flatMap((s) => s.steps.map((step) => step.attempts ?? 1))))).toEqual(new Set([1]));

    const figures = {
      releases: RELEASES,
      servicesPerRelease: SERVICES,
      wallMs,
      workerRssAtStartMiB: Math.round(atStart.rssMiB),
      workerPeakRssDuringLoadMiB: Math.round(peakRssMiB),
      workerVmHwmMiB: Math.round(atEnd.hwmMiB),
      slowestReleaseMs: Math.max(...reports.map((r) => r.totals.durationMs ?? 0)),
    };
    recordFigures('load', figures); // the time is a figure for docs/RELIABILITY.md, not a pass mark
  });
});
