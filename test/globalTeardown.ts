/** Jest global teardown: stops the suite's Temporal dev server (none when an existing one was used) and removes the run's workflow bundle. */
import { rmSync } from 'node:fs';
import { SERVER_KEY, suiteServer } from './globalSetup';
import { PREBUILT_BUNDLE_ENV } from '../workers/releaseWorker';

export default async function globalTeardown(): Promise<void> {
  const bundle = process.env[PREBUILT_BUNDLE_ENV];
  if (bundle) rmSync(bundle, { force: true });
  const server = suiteServer();
  if (!server) return;
  await server.stop();
  delete (globalThis as Record<string, unknown>)[SERVER_KEY];
}
