/**
 * Measures the history of a release of N services (default 200) on the embedded server: events
 * and bytes of a successful release and of one whose last service fails (everything rolls back).
 *   npx tsx bench/historySize.ts [services]
 * Targets are tiny real commands (cat/cp), so the figure is the orchestration's, not the scripts'.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../src/temporal/devServer';
import { createReleaseWorker } from '../workers/releaseWorker';
import { temporalSettings } from '../src/temporal/connectionOptions';
import { createLogger } from '../src/logging/logger';
import { parseManifestText } from '../src/manifest/loadManifest';
import { startRelease } from '../src/release/startRelease';

const count = Number(process.argv[2] ?? 200);
const LAYER = 20;

function manifest(dir: string, id: string, failLast: boolean): string {
  const services = Array.from({ length: count }, (_, i) => {
    const name = `svc-${String(i).padStart(3, '0')}`;
    const layer = Math.floor(i / LAYER);
    const deps = layer === 0 ? [] : [0, 1].map((k) => `svc-${String((layer - 1) * LAYER + ((i + k) % LAYER)).padStart(3, '0')}`);
    const file = join(dir, `${name}.version`);
    writeFileSync(file, '1.0.0');
    const deploy = failLast && i === count - 1 ? ['false'] : ['cp', join(dir, 'v2'), file];
    return {
      name,
      version: '2.0.0',
      dependsOn: [...new Set(deps)],
      target: { kind: 'command', current: ['cat', file], deploy, rollback: ['cp', join(dir, 'v1'), file] },
    };
  });
  return JSON.stringify({
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id, environment: 'bench' },
    spec: { services, maxParallel: 50, retries: { deployAttempts: 1, rollbackAttempts: 3, initialInterval: '100ms' } },
  });
}

async function main(): Promise<void> {
  const server = await startDevServer({ headless: true });
  const logger = createLogger({ component: 'bench' });
  logger.level = 'error';
  const settings = temporalSettings({ address: server.address, taskQueue: 'bench-history' });
  const { worker, connection } = await createReleaseWorker({ settings, logger });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  try {
    for (const failLast of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
      writeFileSync(join(dir, 'v1'), '1.0.0');
      writeFileSync(join(dir, 'v2'), '2.0.0');
      const id = `history-${failLast ? 'rollback' : 'success'}-${Date.now()}`;
      const loaded = parseManifestText(manifest(dir, id, failLast), join(dir, 'manifest.json'));
      const started = Date.now();
      const { handle } = await startRelease(client, loaded, settings.taskQueue);
      const report = await handle.result();
      const wall = Date.now() - started;
      const history = await handle.fetchHistory();
      const bytes = Buffer.byteLength(JSON.stringify(history));
      console.log(
        `${count} services, ${failLast ? 'last fails, all roll back' : 'success'}: ${report.status} in ${(wall / 1000).toFixed(1)}s; ` +
          `history ${history.events?.length} events, ~${Math.round(bytes / 1024)} KiB`,
      );
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
