/**
 * The release's timeline (releaseTimeline.ts) as a standalone SVG: one row per service with a bar
 * per step placed by its start and duration, a row per check with its runs, coloured by outcome,
 * an axis of the time since the release started, a legend and the release's status in the title.
 * Each bar carries its times (`data-start-ms`, `data-end-ms`) and a tooltip (`<title>`).
 *
 * Hand-written rather than drawn with a charting library: the picture is rectangles, lines and
 * text on one linear axis (~150 lines here), while d3 needs a DOM (jsdom) to render in Node and
 * Vega-Lite brings megabytes and a canvas package to a CLI that prints a report. A string is also
 * deterministic, so the same report always gives the same bytes. Pure: report -> text.
 */
import { formatDuration } from '../manifest/duration';
import type { ReleaseReport } from './releaseReport';
import { releaseTimeline, type BarOutcome, type TimelineBar, type TimelineLane } from './releaseTimeline';

/** Fill and label colour of each outcome (GitHub's Primer palette). */
export const OUTCOME_COLOURS: Record<BarOutcome, { fill: string; text: string; legend: string }> = {
  ok: { fill: '#2da44e', text: '#ffffff', legend: 'ok' },
  failed: { fill: '#cf222e', text: '#ffffff', legend: 'failed' },
  rollback: { fill: '#d4a72c', text: '#1f2328', legend: 'rollback' },
  cancelled: { fill: '#8c959f', text: '#1f2328', legend: 'cancelled' },
  running: { fill: '#0969da', text: '#ffffff', legend: 'running' },
};

const WIDTH = 1000;
const LABEL_WIDTH = 170;
const RIGHT = 30;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - RIGHT;
const TOP = 64;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 20;
const FONT = 'DejaVu Sans, Verdana, sans-serif';
/** Roughly the advance of one character at 11px in the font above, to decide whether a label fits. */
const CHAR_WIDTH = 6.4;
/** What fits on the subtitle's line at 12px. */
const SUBTITLE_CHARS = 140;
/** Tick steps to choose from: the smallest that gives at most 8 ticks. */
const TICK_STEPS_MS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000];

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function elapsed(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

/** The label that fits in a bar: the whole label, its first word (the step), or none. */
function fittingLabel(label: string, width: number): string | undefined {
  for (const candidate of [label, label.split(' ')[0]!]) if (candidate.length * CHAR_WIDTH + 8 <= width) return candidate;
  return undefined;
}

function barSvg(bar: TimelineBar, x: (ms: number) => number, y: number): string {
  // Half a pixel off each end, so that a step and the next one it started read as two bars.
  const left = x(bar.startMs) + 0.5;
  const width = Math.max(1.5, x(bar.endMs) - 0.5 - left);
  const colours = OUTCOME_COLOURS[bar.outcome];
  const tooltip = `${bar.label}: ${bar.detail}, ${formatDuration(bar.endMs - bar.startMs)}`;
  const attrs = `class="bar" data-outcome="${bar.outcome}" data-start-ms="${bar.startMs}" data-end-ms="${bar.endMs}"`;
  const rect = `<rect ${attrs} x="${left.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="3" fill="${colours.fill}"><title>${xml(tooltip)}</title></rect>`;
  const label = fittingLabel(bar.label, width);
  if (label === undefined) return rect;
  const text = `<text class="bar-label" x="${(left + 4).toFixed(1)}" y="${y + 14}" font-size="11" fill="${colours.text}">${xml(label)}</text>`;
  return `${rect}${text}`;
}

function laneSvg(lane: TimelineLane, index: number, x: (ms: number) => number): string {
  const top = TOP + index * ROW_HEIGHT;
  const name = lane.kind === 'check' ? `check ${lane.name}` : lane.name;
  const label = `<text class="lane-label" x="10" y="${top + 19}" font-size="12" fill="#1f2328">${xml(name)}</text>`;
  const bars = lane.bars.map((b) => barSvg(b, x, top + (ROW_HEIGHT - BAR_HEIGHT) / 2)).join('');
  return `<g class="lane" data-kind="${lane.kind}" data-name="${xml(lane.name)}">${label}${bars}</g>`;
}

/** Every other row shaded, drawn under the axis' lines and the bars. */
function stripesSvg(rows: number): string {
  const stripes: string[] = [];
  for (let i = 0; i < rows; i += 2) stripes.push(`<rect x="0" y="${TOP + i * ROW_HEIGHT}" width="${WIDTH}" height="${ROW_HEIGHT}" fill="#f6f8fa"/>`);
  return `<g class="stripes">${stripes.join('')}</g>`;
}

function axisSvg(spanMs: number, x0: (offsetMs: number) => number, top: number, bottom: number): string {
  const step = TICK_STEPS_MS.find((s) => spanMs / s <= 8) ?? TICK_STEPS_MS.at(-1)!;
  const ticks: string[] = [];
  for (let t = 0; t <= spanMs; t += step) {
    const x = x0(t).toFixed(1);
    ticks.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom + 4}" stroke="#d0d7de"/>` +
        `<text class="tick" x="${x}" y="${bottom + 17}" font-size="11" fill="#57606a" text-anchor="middle">${elapsed(t)}</text>`,
    );
  }
  return `<g class="axis">${ticks.join('')}</g>`;
}

function legendSvg(outcomes: BarOutcome[], y: number): string {
  let x = LABEL_WIDTH;
  const items = outcomes.map((o) => {
    const { fill, legend } = OUTCOME_COLOURS[o];
    const item = `<rect x="${x}" y="${y}" width="14" height="14" rx="2" fill="${fill}"/><text x="${x + 20}" y="${y + 11}" font-size="12" fill="#1f2328">${legend}</text>`;
    x += 28 + legend.length * 7.5;
    return item;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

function subtitle(report: ReleaseReport): string {
  const started = `started ${report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  const e = report.firstError;
  const line = e ? `${started}; first error: ${e.service ? `${e.service} ` : ''}${e.step}${e.check ? ` ${e.check}` : ''}: ${e.message.replace(/\s+/g, ' ')}` : started;
  return line.length > SUBTITLE_CHARS ? `${line.slice(0, SUBTITLE_CHARS - 1)}…` : line;
}

export function timelineSvg(report: ReleaseReport): string {
  const timeline = releaseTimeline(report);
  const spanMs = Math.max(1, timeline.endMs - timeline.startMs);
  const x0 = (offsetMs: number) => LABEL_WIDTH + (offsetMs / spanMs) * PLOT_WIDTH;
  const x = (ms: number) => x0(ms - timeline.startMs);
  const rowsBottom = TOP + timeline.lanes.length * ROW_HEIGHT;
  const used = new Set(timeline.lanes.flatMap((l) => l.bars.map((b) => b.outcome)));
  const outcomes = (['ok', 'failed', 'rollback', 'cancelled', 'running'] as const).filter((o) => o !== 'running' || used.has(o));
  const height = rowsBottom + 60;
  const duration = report.totals.durationMs !== undefined ? ` in ${formatDuration(report.totals.durationMs)}` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="10" y="24" font-size="16" font-weight="bold" fill="#1f2328">${xml(`${report.workflowId}: ${report.status}${duration}`)}</text>`,
    `<text class="subtitle" x="10" y="44" font-size="12" fill="#57606a">${xml(subtitle(report))}</text>`,
    stripesSvg(timeline.lanes.length),
    axisSvg(spanMs, x0, TOP, rowsBottom),
    ...timeline.lanes.map((lane, i) => laneSvg(lane, i, x)),
    legendSvg([...outcomes], rowsBottom + 34),
    '</svg>',
    '',
  ].join('\n');
}
