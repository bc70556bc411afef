/**
 * What `lockstep report --format svg` draws, looked at in Debian's Chromium (playwright-core): the
 * SVG of a hand-built rolled-back release (test/support/rolledBackReport.ts) is put into a page and
 * read back as rendered: one row per service, a bar per step, the failed probe red, no two bars of a
 * row on top of each other, and the bars placed left to right in the order their steps started.
 * The screenshot goes to .lockstep/timeline.png; with LOCKSTEP_UPDATE_SCREENSHOTS=1 it replaces the
 * README's docs/timeline.png. No server: run with `npx jest -c jest.ui.config.js test/ui/timelineSvg`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { timelineSvg } from '../../src/release/timelineSvg';
import { rolledBackReport } from '../support/rolledBackReport';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const SCREENSHOT = join(process.env.LOCKSTEP_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, '.lockstep'), 'timeline.png');

/** A bar as Chromium laid it out: its row, outcome, start time, computed fill and box on the page. */
interface RenderedBar {
  lane: string;
  kind: string;
  outcome: string;
  startMs: number;
  endMs: number;
  fill: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
  await page.setContent(`<!doctype html><html><body style="margin:20px">${timelineSvg(rolledBackReport())}</body></html>`);
});

afterAll(async () => {
  await browser?.close();
});

function renderedBars(): Promise<RenderedBar[]> {
  return page.$$eval('g.lane rect.bar', (rects) =>
    rects.map((rect) => {
      const lane = rect.closest('g.lane')!;
      const box = rect.getBoundingClientRect();
      return {
        lane: lane.getAttribute('data-name')!,
        kind: lane.getAttribute('data-kind')!,
        outcome: rect.getAttribute('data-outcome')!,
        startMs: Number(rect.getAttribute('data-start-ms')),
        endMs: Number(rect.getAttribute('data-end-ms')),
        // The page's own getComputedStyle (tsconfig has no DOM lib: this function runs in Chromium).
        fill: (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(rect).fill,
        left: box.left,
        right: box.right,
        top: box.top,
        bottom: box.bottom,
      };
    }),
  );
}

test('one row per service, then one per check, each labelled, in the report order', async () => {
  const rows = await page.$$eval('g.lane', (lanes) => lanes.map((l) => `${l.getAttribute('data-kind')} ${l.querySelector('.lane-label')!.textContent}`));
  expect(rows).toEqual(['service db-schema', 'service payments', 'service orders', 'service notifications', 'check check order-schema', 'check check checkout-flow']);
  expect(await page.locator('text.title').textContent()).toBe('release/prod/checkout-42: RolledBack in 8.7s');
});

test('a bar per step (no bar for the current-version reads) and per check run, coloured by outcome', async () => {
  const bars = await renderedBars();
  const count = (lane: string) => bars.filter((b) => b.lane === lane).length;
  expect({ db: count('db-schema'), payments: count('payments'), orders: count('orders'), notifications: count('notifications') }).toEqual({ db: 4, payments: 4, orders: 4, notifications: 3 });
  expect(bars).toHaveLength(17);
  const failed = bars.filter((b) => b.outcome === 'failed');
  expect(failed.map((b) => ({ lane: b.lane, fill: b.fill }))).toEqual([{ lane: 'orders', fill: 'rgb(207, 34, 46)' }]);
  const fills = new Map(bars.map((b) => [b.outcome, b.fill]));
  expect(Object.fromEntries(fills)).toEqual({ ok: 'rgb(45, 164, 78)', rollback: 'rgb(212, 167, 44)', cancelled: 'rgb(140, 149, 159)', failed: 'rgb(207, 34, 46)' });
  expect(bars.filter((b) => b.outcome === 'rollback')).toHaveLength(8);
});

test('bars of one row never overlap, and each sits inside its row', async () => {
  const bars = await renderedBars();
  const rowBoxes = await page.$$eval('g.lane', (lanes) => lanes.map((l) => ({ name: l.getAttribute('data-name')!, top: l.getBoundingClientRect().top, bottom: l.getBoundingClientRect().bottom })));
  for (const row of rowBoxes) {
    const own = bars.filter((b) => b.lane === row.name).sort((a, b) => a.startMs - b.startMs);
    for (const bar of own) expect({ row: row.name, inside: bar.top >= row.top && bar.bottom <= row.bottom }).toEqual({ row: row.name, inside: true });
    for (let i = 1; i < own.length; i++) {
      expect({ row: row.name, bar: i, gap: own[i]!.left - own[i - 1]!.right >= 0 }).toEqual({ row: row.name, bar: i, gap: true });
    }
  }
  // Rows do not overlap either.
  for (let i = 1; i < rowBoxes.length; i++) expect(rowBoxes[i]!.top).toBeGreaterThanOrEqual(rowBoxes[i - 1]!.bottom - 0.5);
});

test("the bars' x positions follow their start times, on one linear axis with the ticks", async () => {
  const bars = (await renderedBars()).sort((a, b) => a.startMs - b.startMs);
  const first = bars[0]!;
  const last = bars.at(-1)!;
  const pxPerMs = (last.left - first.left) / (last.startMs - first.startMs);
  expect(pxPerMs).toBeGreaterThan(0);
  for (const bar of bars) {
    // Where the start time puts it, within a pixel; and as wide as its duration says.
    expect({ bar: `${bar.lane} ${bar.startMs - first.startMs}`, off: Math.abs(bar.left - (first.left + (bar.startMs - first.startMs) * pxPerMs)) < 1 }).toEqual({ bar: `${bar.lane} ${bar.startMs - first.startMs}`, off: true });
    expect(Math.abs(bar.right - bar.left - (bar.endMs - bar.startMs) * pxPerMs)).toBeLessThan(1.5);
  }
  const ticks = await page.$$eval('g.axis text.tick', (texts) => texts.map((t) => ({ label: t.textContent!, x: t.getBoundingClientRect().left + t.getBoundingClientRect().width / 2 })));
  expect(ticks.map((t) => t.label)).toEqual(['0s', '2s', '4s', '6s', '8s']);
  // The orders probe started 4.2 s into the release: 0.2 s right of the 4s tick.
  const probe = bars.find((b) => b.outcome === 'failed')!;
  const fourSeconds = ticks.find((t) => t.label === '4s')!.x;
  expect(Math.abs(probe.left - (fourSeconds + 200 * pxPerMs))).toBeLessThan(1.5);
});

test('a legend names every colour; the screenshot of the picture', async () => {
  expect(await page.$$eval('g.legend text', (texts) => texts.map((t) => t.textContent))).toEqual(['ok', 'failed', 'rollback', 'cancelled']);
  mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
  await page.locator('svg').screenshot({ path: SCREENSHOT });
});
