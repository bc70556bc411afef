/**
 * Jest global setup: one real Temporal dev server (free ports, headless, in memory) for the whole
 * suite. Test files find it through TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (the workers inherit
 * this process's environment). LOCKSTEP_TEST_TEMPORAL_ADDRESS points the suite at a server that
 * already runs instead (namespace: LOCKSTEP_TEST_TEMPORAL_NAMESPACE, default "default").
 * The workflow code is bundled here once for every worker of the run, in-process or a process
 * (LOCKSTEP_WORKFLOW_BUNDLE, read by workers/releaseWorker.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isServerReachable, startDevServer, type DevServer } from '../src/temporal/devServer';
import { bundleReleaseWorkflows, PREBUILT_BUNDLE_ENV } from '../workers/releaseWorker';

/** Where globalTeardown finds the server (jest runs both in the same process). */
export const SERVER_KEY = '__lockstepTestTemporalServer';

export default async function globalSetup(): Promise<void> {
  await bundleWorkflowsOnce();
  const existing = process.env.LOCKSTEP_TEST_TEMPORAL_ADDRESS;
  if (existing) {
    if (!(await isServerReachable(existing, 5_000))) {
      throw new Error(`LOCKSTEP_TEST_TEMPORAL_ADDRESS=${existing}: no Temporal server answers there`);
    }
    process.env.TEMPORAL_ADDRESS = existing;
    process.env.TEMPORAL_NAMESPACE = process.env.LOCKSTEP_TEST_TEMPORAL_NAMESPACE || 'default';
    return;
  }
  const server = await startDevServer({
    headless: true,
    namespace: 'default',
    logFile: join(__dirname, '..', '.lockstep', 'test-server.log'),
    log: (msg) => console.error(`lockstep test setup: ${msg}`),
  });
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  (globalThis as Record<string, unknown>)[SERVER_KEY] = server;
}

async function bundleWorkflowsOnce(): Promise<void> {
  const dir = join(__dirname, '..', '.lockstep');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `test-workflow-bundle-${process.pid}.js`);
  writeFileSync(file, (await bundleReleaseWorkflows()).code);
  process.env[PREBUILT_BUNDLE_ENV] = file;
}

export function suiteServer(): DevServer | undefined {
  return (globalThis as Record<string, unknown>)[SERVER_KEY] as DevServer | undefined;
}
