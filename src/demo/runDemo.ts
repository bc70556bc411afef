/**
 * The demo: embedded Temporal server (7233, Web UI 8233), a worker, and a fleet of four real HTTP
 * services run by the `process` target. Release 1 moves everything to 2.0.0 (Succeeded); release 2
 * moves to 3.0.0, where `orders` fails its health probe after others were deployed (RolledBack).
 * Every expectation is checked against what the services themselves answer over HTTP.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '../logging/logger';
import { startDevServer, type DevServer } from '../temporal/devServer';
import { installRuntimeLogger } from '../../workers/main';
import { createReleaseWorker, defaultActivities } from '../../workers/releaseWorker';
import { temporalSettings } from '../temporal/connectionOptions';
import { connectClient } from '../temporal/connectClient';
import { loadManifest } from '../manifest/loadManifest';
import { startRelease } from '../release/startRelease';
import { formatReportText } from '../release/formatReport';
import type { ReleaseReport } from '../release/releaseReport';
import { createProcessTarget, stopAllProcesses } from '../targets/process/processTarget';
import { readFleetVersions } from './readFleetVersions';
import { localStateDir } from '../packageLocation';
import { readDoraFigures } from '../dora/readDoraFigures';
import { doraText } from '../dora/doraText';
import { timelineSvg } from '../release/timelineSvg';
import { sinceInput } from '../dora/sinceInput';

const ROOT = resolve(__dirname, '..', '..');
const DEMO_DIR = join(ROOT, 'demo');
const STATE_DIR = localStateDir();
const FLEET = { 'db-schema': 7311, payments: 7312, orders: 7313, notifications: 7314 } as const;
const ENDPOINTS = Object.fromEntries(Object.entries(FLEET).map(([n, p]) => [n, `http://127.0.0.1:${p}/version`]));

interface Check {
  what: string;
  ok: boolean;
}

export async function runDemo({ keep }: { keep: boolean }): Promise<number> {
  const logger = createLogger({ component: 'demo' });
  logger.level = process.env.LOCKSTEP_LOG_LEVEL ?? 'error';
  const processStateDir = join(STATE_DIR, 'demo-processes');
  process.env.LOCKSTEP_PROCESS_STATE_DIR = processStateDir;
  const checks: Check[] = [];
  const check = (what: string, ok: boolean): void => {
    checks.push({ what, ok });
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  };

  let server: DevServer | undefined;
  try {
    console.log('starting the embedded Temporal server...');
    server = await startDevServer({
      port: 7233,
      uiPort: 8233,
      dbFilename: join(STATE_DIR, 'demo.db'),
      logFile: join(STATE_DIR, 'demo-server.log'),
    });
    console.log(`  Temporal gRPC ${server.address}, Web UI ${server.uiUrl}`);
    installRuntimeLogger(logger);
    const settings = temporalSettings({ address: server.address, namespace: 'default', taskQueue: 'lockstep' });
    const { worker, connection } = await createReleaseWorker({ settings, logger, activities: defaultActivities(logger) });
    const running = worker.run();

    console.log('starting the demo fleet at 1.0.0 (db-schema, payments, orders, notifications)...');
    const v2 = loadManifest(join(DEMO_DIR, 'release-v2.yaml'));
    await Promise.all(
      v2.manifest.spec.services.map(async (svc) => {
        if (svc.target.kind !== 'process') return;
        const target = createProcessTarget(svc.target, { stateDir: processStateDir });
        const ctx = {
          releaseId: 'demo-setup',
          environment: 'demo',
          service: svc.name,
          idempotencyKey: `demo-setup:${svc.name}`,
          signal: new AbortController().signal,
          heartbeat: () => undefined,
          baseDir: v2.baseDir,
        };
        const previousVersion = await target.current(ctx);
        await target.deploy(ctx, { version: '1.0.0', previousVersion });
      }),
    );
    await waitForVersions(ENDPOINTS, '1.0.0', 15_000);
    console.log(`  running: ${JSON.stringify(await readFleetVersions(ENDPOINTS))}`);

    const client = await connectClient(settings);
    const runRelease = async (file: string): Promise<ReleaseReport> => {
      const loaded = loadManifest(join(DEMO_DIR, file));
      const started = await startRelease(client, loaded, settings.taskQueue);
      console.log(`\nrelease ${started.workflowId} (${file}) started; watch it at ${server!.uiUrl}/namespaces/default/workflows/${encodeURIComponent(started.workflowId)}`);
      const report = await started.handle.result();
      console.log(formatReportText(report));
      return report;
    };

    const r1 = await runRelease('release-v2.yaml');
    const after1 = await readFleetVersions(ENDPOINTS);
    console.log(`  versions read over HTTP: ${JSON.stringify(after1)}`);
    check('release 1 ended Succeeded', r1.status === 'Succeeded');
    check('every service answers 2.0.0 after release 1', Object.values(after1).every((v) => v === '2.0.0'));
    const flow1 = r1.checks?.find((c) => c.name === 'checkout-flow');
    check(
      `the checkout flow (place an order, payments pays it) passed on 2.0.0: ${flow1?.summary ?? 'not run'}`,
      flow1?.status === 'passed' && flow1.runs.map((r) => r.moment).join() === 'final',
    );

    const r2 = await runRelease('release-v3.yaml');
    const after2 = await readFleetVersions(ENDPOINTS);
    console.log(`  versions read over HTTP: ${JSON.stringify(after2)}`);
    check('release 2 ended RolledBack', r2.status === 'RolledBack');
    check(
      'the failure is orders\' health probe',
      r2.firstError?.service === 'orders' && r2.firstError.step === 'probe',
    );
    const order = r2.compensationOrder;
    check(
      `compensations ran newest first: ${order.join(' -> ')}`,
      order[0] === 'orders' && order.indexOf('payments') < order.indexOf('db-schema') && order.length === 4,
    );
    check('every service answers 2.0.0 again after the rollback', Object.values(after2).every((v) => v === '2.0.0'));
    const flow2 = r2.checks?.find((c) => c.name === 'checkout-flow');
    check(
      `the checkout flow passed again on the old versions after the rollback: ${flow2?.summary ?? 'not run'}`,
      flow2?.status === 'passed' && flow2.runs.map((r) => r.moment).join() === 'afterRollback',
    );

    // the demo environment's DORA figures, computed as `lockstep dora --environment demo` does
    const dora = await readDoraFigures(client, { environment: 'demo', since: sinceInput('30d', new Date()), closed: [r1.workflowId, r2.workflowId] });
    console.log(`\n${doraText(dora.figures)}`);

    // the rolled-back release as a picture, as `lockstep report <id> --format svg --out <file>` draws it
    const svgFile = join(localStateDir(), 'demo-release-2.svg');
    writeFileSync(svgFile, timelineSvg(r2));
    console.log(`\ntimeline of the rolled-back release: ${svgFile}`);

    console.log(`\nworkflow ids: ${r1.workflowId}, ${r2.workflowId}`);
    console.log(`Web UI: ${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('LockstepEnvironment="demo"')}`);
    const failed = checks.filter((c) => !c.ok);
    console.log(failed.length === 0 ? '\ndemo: every expectation held' : `\ndemo: ${failed.length} expectation(s) failed`);

    if (keep) {
      console.log('--keep: server, worker and fleet keep running; press Ctrl-C to stop them');
      await running; // the SDK shuts the worker down on SIGINT/SIGTERM
    } else {
      worker.shutdown();
      await running;
    }
    await connection.close();
    return failed.length === 0 ? 0 : 1;
  } catch (err) {
    console.error(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return 1;
  } finally {
    await stopAllProcesses(processStateDir);
    await server?.stop();
  }
}

async function waitForVersions(endpoints: Record<string, string>, version: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const versions = await readFleetVersions(endpoints);
    if (Object.values(versions).every((v) => v === version)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the fleet did not come up on ${version} within ${timeoutMs}ms`);
}
