/**
 * A release on a time axis: what the Mermaid gantt (releaseGantt.ts) and the SVG (timelineSvg.ts) draw.
 * One lane per service with its steps (its `current` read left out: it changes nothing), and one lane
 * per check with its runs. Times are epoch milliseconds. Pure: a step still running ends at the
 * latest time the report knows, so the same report always gives the same picture.
 */
import type { CheckReport, ReleaseReport, ServiceReport, StepRecord } from './releaseReport';

/** How a bar is coloured: ok, failed, a compensation (rollback and its verify), cancelled, still running. */
export type BarOutcome = 'ok' | 'failed' | 'rollback' | 'cancelled' | 'running';

export interface TimelineBar {
  /** `deploy 2.0.0`, `rollback to 1.0.0`, `final`, `bake 2`. */
  label: string;
  /** The step or check run's own outcome (`noop` reads `unchanged`; a check run's `passed`/`failed`). */
  detail: string;
  startMs: number;
  endMs: number;
  outcome: BarOutcome;
  /** A compensation: a rollback step, or a verify after it. */
  compensation: boolean;
}

export interface TimelineLane {
  kind: 'service' | 'check';
  name: string;
  bars: TimelineBar[];
}

export interface ReleaseTimeline {
  workflowId: string;
  status: ReleaseReport['status'];
  startMs: number;
  endMs: number;
  lanes: TimelineLane[];
}

const COMPENSATIONS: ReadonlySet<StepRecord['step']> = new Set(['rollback', 'verify']);

function ms(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** The latest moment the report names: where a running step's bar ends. */
function latestKnown(report: ReleaseReport): number {
  const times: (number | undefined)[] = [ms(report.startedAt), ms(report.endedAt)];
  for (const s of report.services) for (const st of s.steps) times.push(ms(st.startedAt), ms(st.endedAt));
  for (const c of report.checks ?? []) for (const r of c.runs) times.push(ms(r.at), (ms(r.at) ?? 0) + (r.durationMs ?? 0));
  return Math.max(...times.filter((t): t is number => t !== undefined));
}

function stepOutcome(st: StepRecord): BarOutcome {
  if (st.outcome === 'failed') return 'failed';
  if (st.outcome === 'cancelled') return 'cancelled';
  if (st.outcome === 'running') return 'running';
  return COMPENSATIONS.has(st.step) ? 'rollback' : 'ok';
}

function stepLabel(st: StepRecord): string {
  const version = st.version ? ` ${st.step === 'rollback' ? 'to ' : ''}${st.version}` : '';
  return `${st.step}${version}`;
}

function serviceLane(s: ServiceReport, latest: number): TimelineLane {
  const bars: TimelineBar[] = [];
  for (const st of s.steps) {
    const startMs = ms(st.startedAt);
    if (st.step === 'current' || startMs === undefined) continue;
    const endMs = st.durationMs !== undefined ? startMs + st.durationMs : (ms(st.endedAt) ?? Math.max(latest, startMs));
    const detail = st.outcome === 'noop' ? 'unchanged' : st.outcome;
    bars.push({ label: stepLabel(st), detail, startMs, endMs, outcome: stepOutcome(st), compensation: COMPENSATIONS.has(st.step) });
  }
  return { kind: 'service', name: s.name, bars };
}

function checkLane(c: CheckReport): TimelineLane {
  let bakeRound = 0;
  const bars: TimelineBar[] = [];
  for (const r of c.runs) {
    const startMs = ms(r.at);
    if (startMs === undefined) continue;
    const label = r.moment === 'bake' ? `bake ${++bakeRound}` : r.moment;
    bars.push({ label, detail: r.status, startMs, endMs: startMs + (r.durationMs ?? 0), outcome: r.status === 'failed' ? 'failed' : 'ok', compensation: false });
  }
  return { kind: 'check', name: c.name, bars };
}

export function releaseTimeline(report: ReleaseReport): ReleaseTimeline {
  const latest = latestKnown(report);
  const lanes = [...report.services.map((s) => serviceLane(s, latest)), ...(report.checks ?? []).map(checkLane)];
  const bars = lanes.flatMap((l) => l.bars);
  const startMs = Math.min(ms(report.startedAt) ?? latest, ...bars.map((b) => b.startMs));
  const endMs = Math.max(ms(report.endedAt) ?? latest, ...bars.map((b) => b.endMs));
  return { workflowId: report.workflowId, status: report.status, startMs, endMs, lanes };
}
