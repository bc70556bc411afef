/**
 * The Mermaid gantt `lockstep report --format md` ends with, rendered by the real Mermaid (the
 * bundle of the npm package, the renderer GitHub and GitLab job summaries use) in Debian's Chromium:
 * Mermaid accepts the text, draws a task per step and check run in the sections the report names,
 * the failed probe as `crit`, and places the tasks by their start times. The screenshot goes to
 * .lockstep/gantt.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { releaseGantt } from '../../src/release/releaseGantt';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { rolledBackReport, step } from '../support/rolledBackReport';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const SCREENSHOT = join(ROOT, '.lockstep', 'gantt.png');

interface MermaidGlobal {
  initialize(config: object): void;
  parse(text: string): Promise<unknown>;
  render(id: string, text: string): Promise<{ svg: string }>;
}

let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
  // The axis reads wall-clock times in the viewer's zone; UTC keeps the ticks the test reads fixed.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'UTC' });
  page = await context.newPage();
  await page.setContent('<!doctype html><html><body style="margin:20px"><div id="out"></div></body></html>');
  await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  await page.evaluate(() => (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid.initialize({ startOnLoad: false, gantt: { useWidth: 1100 } }));
});

afterAll(async () => {
  await browser?.close();
});

/** Renders the gantt into the page; Mermaid's own error message when it refuses the text. */
async function render(lines: string[]): Promise<string | undefined> {
  return page.evaluate(async (text) => {
    const mermaid = (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid;
    try {
      await mermaid.parse(text);
      // The page's document (tsconfig has no DOM lib: this function runs in Chromium).
      const { document } = globalThis as unknown as { document: { getElementById(id: string): { innerHTML: string } } };
      document.getElementById('out').innerHTML = (await mermaid.render('gantt', text)).svg;
      return undefined;
    } catch (err) {
      return String((err as Error).message ?? err);
    }
  }, lines.join('\n'));
}

test("Mermaid draws the rolled-back release: a task per step and check run, the failed probe crit, placed by start time", async () => {
  expect(await render(releaseGantt(rolledBackReport()))).toBeUndefined();
  const tasks = await page.$$eval('#out svg rect.task', (rects) =>
    rects.map((r) => ({ order: Number(/task(\d+)$/.exec(r.id)![1]), cls: r.getAttribute('class')!, x: Number(r.getAttribute('x')) })),
  );
  // Mermaid numbers the tasks in the order of the text (from 1) and draws them by start time.
  tasks.sort((a, b) => a.order - b.order);
  expect(tasks.map((t) => t.order)).toEqual([...Array(17).keys()].map((i) => i + 1));
  expect(tasks).toHaveLength(17);
  expect(tasks.filter((t) => /\bcrit\d/.test(t.cls))).toHaveLength(1);
  expect(tasks.filter((t) => /\bdone\d/.test(t.cls))).toHaveLength(16);
  const texts = await page.$$eval('#out svg text', (all) => all.map((t) => (t.textContent ?? '').trim()));
  for (const section of ['db-schema', 'payments', 'orders', 'notifications', 'rollback', 'checks']) expect(texts).toContain(section);
  expect(texts).toContain('probe 2.0.0 (failed)');
  expect(texts).toContain('release/prod/checkout-42 RolledBack');
  expect(texts).toEqual(expect.arrayContaining(['10:00:02', '10:00:04']));
  // Each task's x follows its start time (ms after T0, in the order of the text).
  const starts = [700, 1500, 1900, 3100, 3500, 4200, 3500, 5300, 5300, 5800, 6500, 7000, 7000, 7000, 7000, 100, 7400];
  const pxPerMs = (tasks[16]!.x - tasks[15]!.x) / (7400 - 100);
  for (const [i, task] of tasks.entries()) expect({ i, off: Math.abs(task.x - (tasks[15]!.x + (starts[i]! - 100) * pxPerMs)) < 1 }).toEqual({ i, off: true });
  mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
  await page.locator('#out svg').screenshot({ path: SCREENSHOT });
});

test("Mermaid accepts names with ':', '#' and ';' once the gantt has replaced them", async () => {
  const report: ReleaseReport = { ...rolledBackReport(), checks: [] };
  report.services = [{ name: 'api:v2;x', status: 'Succeeded', version: 'img:1#2', dependsOn: [], steps: [step('deploy', 'img:1#2', 0, 1000)] }];
  expect(await render(releaseGantt(report))).toBeUndefined();
  expect(await page.$$eval('#out svg rect.task', (rects) => rects.length)).toBe(1);
  // The same text unreplaced is what Mermaid would refuse or cut.
  expect(await render(['gantt', 'dateFormat x', 'section api', `deploy img:1#2 :done, 0, 1000`])).not.toBeUndefined();
});
