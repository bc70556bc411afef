/**
 * The Mermaid gantt of a release, which GitHub and GitLab job summaries render: one section per
 * service with its steps, a `rollback` section with the compensations in the order they ran, and a
 * `checks` section with every check run. Times are epoch milliseconds (`dateFormat x`); each task
 * names its start and end. Pure: report -> lines.
 *
 * Mermaid's gantt grammar is strict: a task's text ends at ':', `#` and `%%` start comments and ';'
 * ends a statement, so those are replaced in every name (`mermaidText`).
 */
import type { ReleaseReport } from './releaseReport';
import { releaseTimeline, type TimelineBar } from './releaseTimeline';

/** Text Mermaid keeps as it is: one line, without ':', '#', ';' or '%%'. */
export function mermaidText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/:/g, '∶')
    .replace(/#/g, '＃')
    .replace(/;/g, ',')
    .replace(/%%/g, '%')
    .trim();
}

/** `probe 2.0.0 (failed) :crit, 1735725601000, 1735725602900`: failed is `crit`, running `active`, the rest `done`. */
function task(name: string, bar: TimelineBar): string {
  // A cancelled step ended too: `done`, its text says how (an untagged task would read as still to do).
  const tag = bar.outcome === 'failed' ? 'crit, ' : bar.outcome === 'running' ? 'active, ' : 'done, ';
  const detail = bar.detail === 'ok' || bar.detail === 'passed' ? '' : ` (${bar.detail})`;
  return `    ${mermaidText(`${name}${detail}`)} :${tag}${bar.startMs}, ${bar.endMs}`;
}

/** The gantt's lines (without the ```mermaid fence); none when the release has no step or check run yet. */
export function releaseGantt(report: ReleaseReport): string[] {
  const timeline = releaseTimeline(report);
  if (timeline.lanes.every((l) => l.bars.length === 0)) return [];
  const lines = ['gantt', `    title ${mermaidText(`${report.workflowId} ${report.status}`)}`, '    dateFormat x', '    axisFormat %H:%M:%S', '    todayMarker off'];
  const compensations: { service: string; bar: TimelineBar }[] = [];
  for (const lane of timeline.lanes.filter((l) => l.kind === 'service')) {
    const forward = lane.bars.filter((b) => !b.compensation);
    compensations.push(...lane.bars.filter((b) => b.compensation).map((bar) => ({ service: lane.name, bar })));
    if (forward.length === 0) continue;
    lines.push(`    section ${mermaidText(lane.name)}`);
    for (const bar of forward) lines.push(task(bar.label, bar));
  }
  if (compensations.length > 0) {
    lines.push('    section rollback');
    compensations.sort((a, b) => a.bar.startMs - b.bar.startMs);
    for (const { service, bar } of compensations) lines.push(task(`${service} ${bar.label}`, bar));
  }
  const checkLanes = timeline.lanes.filter((l) => l.kind === 'check' && l.bars.length > 0);
  if (checkLanes.length > 0) {
    lines.push('    section checks');
    for (const lane of checkLanes) for (const bar of lane.bars) lines.push(task(`${lane.name} ${bar.label}`, bar));
  }
  return lines;
}

/** Mermaid refuses a diagram longer than this (its default `maxTextSize`) and draws an error instead. */
export const MERMAID_MAX_TEXT = 50_000;

/**
 * The gantt as a fenced Markdown block, '' when there is nothing to draw, or a line saying why it is
 * left out when it is longer than Mermaid draws (a release of many hundreds of services).
 */
export function releaseGanttMarkdown(report: ReleaseReport): string {
  const lines = releaseGantt(report);
  if (lines.length === 0) return '';
  const text = lines.join('\n');
  if (text.length > MERMAID_MAX_TEXT) {
    return `_The gantt of this release is left out: its ${lines.length} lines are more than Mermaid draws (${MERMAID_MAX_TEXT} characters); \`lockstep report --format svg\` draws its timeline._`;
  }
  return ['```mermaid', text, '```'].join('\n');
}
