/**
 * The Web UI with `lockstep codec-server` as its codec endpoint, in Debian's Chromium: a release run
 * with a key shows its manifest (a secret included) decrypted on its workflow page. The codec server
 * is a real `lockstep codec-server` process; the Web UI calls it from the browser (CORS preflight,
 * X-Namespace), as it would in production.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { clientDataConverter } from '../../src/codec/payloadCodecs';
import { loadManifest } from '../../src/manifest/loadManifest';
import { freePort } from '../../src/net/tcpPorts';
import { startRelease } from '../../src/release/startRelease';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { FakeFleet } from '../support/fakeFleet';
import { LOCKSTEP_BIN } from '../support/runCli';
import { startTestWorker, type TestWorker } from '../support/testWorker';
import { waitFor } from '../support/waitFor';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const FAILURE_SCREENSHOT = join(ROOT, '.lockstep', 'webui-codec-failure.png');
const SECRET = 's3cr3t-value-42';
const KEY = `k1:${randomBytes(32).toString('base64')}`;
const UI_TIMEOUT_MS = 30_000;

let server: DevServer | undefined;
let worker: TestWorker | undefined;
let browser: Browser | undefined;
let codecServer: ChildProcess | undefined;
let page: Page;

async function startCodecServer(corsOrigin: string): Promise<string> {
  let output = '';
  codecServer = spawn(process.execPath, [LOCKSTEP_BIN, 'codec-server', '--port', '0', '--cors-origin', corsOrigin], {
    env: { ...process.env, LOCKSTEP_ENCRYPTION_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  codecServer.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return waitFor(() => {
    if (codecServer!.exitCode !== null) throw new Error(`codec-server exited: ${output}`);
    return /listening on (http:\/\/\S+)/.exec(output)?.[1];
  }, 'lockstep codec-server to listen');
}

beforeAll(async () => {
  const executablePath = chromiumExecutable();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const uiPort = await freePort();
  const codecUrl = await startCodecServer(`http://127.0.0.1:${uiPort}`);
  server = await startDevServer({
    namespace: 'default',
    uiPort,
    uiCodecEndpoint: codecUrl,
    logFile: join(ROOT, '.lockstep', 'webui-codec-test-server.log'),
  });
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  process.env.LOCKSTEP_ENCRYPTION_KEY = KEY; // the in-process worker encrypts with it
  worker = await startTestWorker();
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await server?.stop();
  if (codecServer && codecServer.exitCode === null) {
    const exited = new Promise((r) => codecServer!.once('exit', r));
    codecServer.kill('SIGTERM');
    await exited;
  }
});

test('the Web UI shows an encrypted release decrypted through lockstep codec-server', async () => {
  const fleet = new FakeFleet({ db: '1.0.0' });
  const service = fleet.service('db', '2.0.0');
  Object.assign(service.target, { env: { ...(service.target as { env: Record<string, string> }).env, DB_PASSWORD: SECRET } });
  const client = new Client({ connection: worker!.client.connection, namespace: 'default', dataConverter: clientDataConverter(worker!.settings) });
  const started = await startRelease(client, loadManifest(fleet.writeManifest(fleet.manifest('codec-ui-1', [service]))), worker!.taskQueue);
  expect((await started.handle.result()).status).toBe('Succeeded');

  await page.goto(`${server!.uiUrl}/namespaces/default/workflows/${encodeURIComponent(started.workflowId)}`);
  // The Input and Result panels show the payloads as the codec server decoded them (the server has
  // ciphertext only). A panel draws only the lines in its view: each look scrolls it a little further.
  const panel = (name: string) => page.getByRole('textbox', { name }).first();
  const seen: Record<string, string> = { Input: '', Result: '' };
  const shown = async (name: string): Promise<string> => {
    seen[name] += ((await panel(name).textContent()) ?? '').replace(/\s+/g, ' ');
    await panel(name).evaluate((el) => {
      const scroller = el.closest('.cm-scroller');
      if (scroller) scroller.scrollTop += 120;
    });
    return seen[name]!;
  };
  try {
    await waitFor(async () => (await shown('Input')).includes(`"DB_PASSWORD": "${SECRET}"`) || undefined, 'the Input panel to show the decrypted manifest', UI_TIMEOUT_MS, 200);
    await waitFor(async () => (await shown('Result')).includes('"status": "Succeeded"') || undefined, 'the Result panel to show the decrypted report', UI_TIMEOUT_MS, 200);
  } catch (err) {
    mkdirSync(join(ROOT, '.lockstep'), { recursive: true });
    await page.screenshot({ path: FAILURE_SCREENSHOT });
    const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ').slice(0, 1500);
    throw new Error(`Web UI: ${(err as Error).message}\n  page: ${page.url()}\n  screenshot: ${FAILURE_SCREENSHOT}\n  text: ${text}`);
  }
});
