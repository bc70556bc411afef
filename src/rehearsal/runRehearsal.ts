/**
 * Runs a rehearsal: the real release workflow on a throwaway embedded Temporal server (in
 * memory, headless) with an in-process worker whose targets are all simulated.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../temporal/devServer';
import { temporalSettings } from '../temporal/connectionOptions';
import { clientDataConverter } from '../codec/payloadCodecs';
import { createReleaseWorker } from '../../workers/releaseWorker';
import { createActivities } from '../../activities';
import { createTarget } from '../targets/createTarget';
import { createProbe } from '../probes/createProbe';
import type { Logger } from '../logging/logger';
import type { LoadedManifest } from '../manifest/loadManifest';
import { parseManifestText } from '../manifest/loadManifest';
import { startRelease } from '../release/startRelease';
import type { ReleaseReport } from '../release/releaseReport';
import { rehearsalManifest, type RehearsalOptions } from './rehearsalManifest';

export async function runRehearsal(loaded: LoadedManifest, opts: RehearsalOptions, logger: Logger): Promise<ReleaseReport> {
  const releaseId = `rehearsal-${randomBytes(4).toString('hex')}`;
  const input = rehearsalManifest(loaded.manifest, releaseId, opts);
  const rehearsal = parseManifestText(JSON.stringify(input), loaded.file);
  const server = await startDevServer({ headless: true });
  try {
    const settings = temporalSettings({ address: server.address, namespace: server.namespace, taskQueue: `rehearsal-${releaseId}` });
    const simulatedState = new Map<string, string>();
    const activities = createActivities({
      targetFor: (spec) => createTarget(spec, { simulatedState }),
      probeFor: (health, baseDir, check) => createProbe(health, baseDir, check),
      logger,
    });
    const { worker, connection } = await createReleaseWorker({ settings, logger, activities });
    const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace, dataConverter: clientDataConverter(settings) });
    try {
      return await worker.runUntil(async () => {
        const { handle } = await startRelease(client, rehearsal, settings.taskQueue);
        return handle.result();
      });
    } finally {
      await client.connection.close();
      await connection.close();
    }
  } finally {
    await server.stop();
  }
}
