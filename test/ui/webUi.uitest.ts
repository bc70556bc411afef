/**
 * What an operator sees in the Temporal Web UI, driven in Debian's Chromium (playwright-core):
 * a release whose health probe fails ends RolledBack; the operator searches the workflow list
 * for `LockstepStatus="RolledBack"`, finds the release, opens it and reads its status.
 *
 * Everything is real and local: a Temporal dev server with its Web UI (CLI 1.9.1, UI 2.54.1), an
 * in-process worker, and services deployed by a user-style script (FakeFleet). The screenshots
 * go to .lockstep/; with LOCKSTEP_UPDATE_SCREENSHOTS=1 they replace the README tour's ones in docs/.
 *
 * Run with `npm run test:ui` (jest.ui.config.js); `npm test` does not pick this file up.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { loadManifest } from '../../src/manifest/loadManifest';
import { startRelease, type StartedRelease } from '../../src/release/startRelease';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { FakeFleet } from '../support/fakeFleet';
import { startTestWorker, type TestWorker } from '../support/testWorker';
import { waitFor } from '../support/waitFor';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const DOCS = process.env.LOCKSTEP_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, '.lockstep');
const LIST_SCREENSHOT = join(DOCS, 'webui-list.png');
const RELEASE_SCREENSHOT = join(DOCS, 'webui-release.png');
/** Written when a UI expectation fails: what the page showed at that moment. */
const FAILURE_SCREENSHOT = join(ROOT, '.lockstep', 'webui-failure.png');
const QUERY = 'LockstepStatus="RolledBack"';
/** Deadline for one thing to appear in the browser. */
const UI_TIMEOUT_MS = 30_000;

let server: DevServer | undefined;
let worker: TestWorker | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  const executablePath = chromiumExecutable();
  // The SDK's own log (worker state, the expected probe failure) stays out of the test output.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  server = await startDevServer({
    namespace: 'default',
    logFile: join(ROOT, '.lockstep', 'webui-test-server.log'),
    log: (msg) => console.error(`webui test: ${msg}`),
  });
  if (!server.uiUrl) throw new Error('expected the dev server to serve the Web UI, but it started without one');
  process.env.TEMPORAL_ADDRESS = server.address; // the test worker and its client connect here
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  worker = await startTestWorker();
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await server?.stop();
});

/** A release of the fleet with the given metadata (environment staging, as in the README's examples). */
async function release(fleet: FakeFleet, id: string, services: ReturnType<FakeFleet['service']>[], file: string): Promise<StartedRelease> {
  const manifest = fleet.manifest(id, services);
  manifest.metadata.environment = 'staging';
  return startRelease(worker!.client, loadManifest(fleet.writeManifest(manifest, file)), worker!.taskQueue);
}

/** Workflow ids the server's visibility store lists for a query. */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of worker!.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

/** An Error saying what was expected and what the page showed (URL, text, a screenshot). */
async function uiFailure(expected: string, cause?: unknown): Promise<Error> {
  let context = '';
  try {
    mkdirSync(join(ROOT, '.lockstep'), { recursive: true });
    await page.screenshot({ path: FAILURE_SCREENSHOT });
    const text = ((await page.locator('body').innerText({ timeout: 2_000 })) ?? '').replace(/\s+/g, ' ').slice(0, 800);
    context = `\n  page: ${page.url()}\n  screenshot: ${FAILURE_SCREENSHOT}\n  page text: ${text}`;
  } catch {
    context = `\n  page: ${page.url()}`;
  }
  const why = cause instanceof Error ? `\n  (${cause.message.split('\n')[0].replace(` waiting for ${expected}`, '')})` : '';
  return new Error(`Web UI: expected ${expected}${why}${context}`);
}

/** Waits until the locator is visible; fails saying what was expected. */
async function see(locator: Locator, expected: string): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    return locator.first();
  } catch (err) {
    throw await uiFailure(expected, err);
  }
}

/** Waits, with the deadline, until `check` holds in the page; fails saying what was expected. */
async function until(check: () => Promise<boolean>, expected: string): Promise<void> {
  try {
    await waitFor(async () => (await check()) || undefined, expected, UI_TIMEOUT_MS, 100);
  } catch (err) {
    throw await uiFailure(expected, err);
  }
}

const squash = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

test('an operator finds a rolled-back release by LockstepStatus in the Web UI and sees its status', async () => {
  const fleet = new FakeFleet({ 'db-schema': '1.0.0', payments: '1.0.0', orders: '1.0.0', notifications: '1.0.0' });
  fleet.env.UNHEALTHY = 'orders@2.0.0';

  // A release that succeeds: the search must leave it out.
  const ok = await release(fleet, 'checkout-41', [fleet.service('notifications', '2.0.0')], 'checkout-41.json');
  const okReport = await ok.handle.result();
  expect({ release: ok.workflowId, status: okReport.status }).toEqual({ release: ok.workflowId, status: 'Succeeded' });

  // The release the operator looks for: orders 2.0.0 fails its probe, everything is rolled back.
  const rb = await release(
    fleet,
    'checkout-42',
    [
      fleet.service('db-schema', '2.0.0'),
      fleet.service('payments', '2.0.0', { dependsOn: ['db-schema'] }),
      fleet.service('orders', '2.0.0', { dependsOn: ['payments'] }),
    ],
    'checkout-42.json',
  );
  const report = await rb.handle.result();
  expect({ release: rb.workflowId, status: report.status }).toEqual({ release: rb.workflowId, status: 'RolledBack' });
  const summary = 'staging: db-schema@2.0.0, payments@2.0.0, orders@2.0.0';

  // Visibility is eventually consistent: the UI lists what the server lists.
  await waitFor(async () => (await listed(QUERY)).includes(rb.workflowId), `${rb.workflowId} listed by ${QUERY}`);
  await waitFor(async () => (await listed('LockstepStatus="Succeeded"')).includes(ok.workflowId), `${ok.workflowId} listed as Succeeded`);

  // --- the workflow list, namespace default ---
  await page.goto(`${server!.uiUrl}/namespaces/default/workflows`);
  const rows = page.getByTestId('workflows-summary-configurable-table-row');
  const rowOf = (workflowId: string) => rows.filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
  await see(rowOf(ok.workflowId), `the unfiltered workflow list to show the succeeded release ${ok.workflowId}`);
  await see(rowOf(rb.workflowId), `the unfiltered workflow list to show the rolled-back release ${rb.workflowId}`);

  // The raw query box: the "</>" toggle next to "Add Filter" opens it.
  await (await see(page.getByTestId('toggle-manual-query'), 'the raw query toggle ("</>") next to "Add Filter"')).click();
  const queryBox = await see(page.getByTestId('workflow-manual-search-input'), 'the raw query input ("Enter a query") after opening it');
  await queryBox.fill(QUERY);
  await (await see(page.getByTestId('workflow-manual-search-button'), 'the "Search" button of the raw query')).click();
  await until(
    async () => new URL(page.url()).searchParams.get('query')?.replace(/\s+/g, '') === QUERY,
    `the page URL to carry the query ${QUERY} after "Search"`,
  );
  await see(rowOf(rb.workflowId), `the filtered list (${QUERY}) to show ${rb.workflowId}`);
  await until(
    async () => (await rowOf(ok.workflowId).count()) === 0 && (await rows.count()) === 1,
    `the filtered list (${QUERY}) to hold only ${rb.workflowId}, not the succeeded ${ok.workflowId}`,
  );

  // The summary is not a list column in this UI version (2.54.1: it shows on the release's
  // User Metadata tab, checked below); the release's own search attributes are. Configure the
  // table as an operator would: Status, Workflow ID, LockstepStatus, LockstepServices.
  await (await see(page.getByRole('button', { name: 'Configure Columns' }), 'the "Configure Columns" button under the list')).click();
  for (const column of ['Run ID', 'Type', 'Start', 'End']) {
    await (await see(page.getByTestId(`orderable-list-item-${column}-remove-button`), `a remove button for the "${column}" column`)).click();
  }
  for (const column of ['LockstepStatus', 'LockstepServices']) {
    await (await see(page.getByTestId(`orderable-list-item-${column}-add-button`), `an add button for the "${column}" column (a custom search attribute)`)).click();
  }
  await (await see(page.getByRole('button', { name: 'Close Workflows Table configuration' }), 'the close button of the column drawer')).click();
  await until(async () => !(await page.getByText('Configure Workflows Table').isVisible()), 'the column drawer to close');
  await see(page.getByTestId('workflows-summary-table-header-cell-LockstepStatus'), 'a LockstepStatus column header in the list');
  await until(
    async () => squash(await rowOf(rb.workflowId).innerText()).includes('RolledBack'),
    `the row of ${rb.workflowId} to show LockstepStatus RolledBack`,
  );
  expect(squash(await rowOf(rb.workflowId).innerText())).toContain('db-schema');
  expect(await queryBox.inputValue()).toBe(QUERY);
  await page.screenshot({ path: LIST_SCREENSHOT, animations: 'disabled' });

  // --- the release's page ---
  await rowOf(rb.workflowId).getByRole('link', { name: rb.workflowId, exact: true }).click();
  await until(
    async () => decodeURIComponent(new URL(page.url()).pathname).startsWith(`/namespaces/default/workflows/${rb.workflowId}/`),
    `clicking ${rb.workflowId} to open its workflow page`,
  );
  const heading = await see(page.getByTestId('workflow-id-heading'), `the workflow page heading of ${rb.workflowId}`);
  expect(squash(await heading.innerText())).toContain(rb.workflowId);
  // The workflow itself completed: a rollback is an outcome the release reports, not a crash.
  const execution = await see(page.getByTestId('execution-status'), 'the execution status badge');
  expect(squash(await execution.innerText()).toUpperCase()).toContain('COMPLETED');
  const result = await see(page.getByRole('textbox', { name: 'Result' }), 'the Result panel with the release report');
  await until(
    async () => squash(await result.textContent()).includes('"status": "RolledBack"'),
    `the Result panel of ${rb.workflowId} to show "status": "RolledBack"`,
  );
  await page.screenshot({ path: RELEASE_SCREENSHOT, animations: 'disabled' });

  // The Search Attributes tab: LockstepStatus is what the list was searched by.
  await (await see(page.getByTestId('search-attributes-tab'), 'a "Search Attributes" tab')).click();
  const attributes = await see(page.getByRole('textbox', { name: 'Search Attributes' }), 'the Search Attributes panel');
  await until(
    async () => squash(await attributes.textContent()).includes('"LockstepStatus": "RolledBack"'),
    `the Search Attributes of ${rb.workflowId} to show "LockstepStatus": "RolledBack"`,
  );

  // The User Metadata tab: the readable summary and details set when the release started.
  await (await see(page.getByTestId('user-metadata-tab'), 'a "User Metadata" tab')).click();
  const summaryFrame = page.frameLocator('#user-metadata-summary');
  await until(
    async () => squash(await summaryFrame.locator('body').innerText({ timeout: 1_000 })).includes(summary),
    `the User Metadata summary of ${rb.workflowId} to read "${summary}"`,
  );
  await until(
    async () => squash(await page.frameLocator('#user-metadata-details').locator('body').innerText({ timeout: 1_000 })).includes('orders → 2.0.0 (after payments)'),
    `the User Metadata details of ${rb.workflowId} to list "orders → 2.0.0 (after payments)"`,
  );
});
