/** What a rehearsal prints: the step timeline, the outcome, the compensation order and phase times. */
import { formatDuration } from '../manifest/duration';
import type { ReleaseReport } from '../release/releaseReport';

export interface TimelineEntry {
  atMs: number;
  durationMs: number;
  step: string;
  service: string;
  version: string;
  outcome: string;
}

/** Deploy, probe, rollback, verify steps and check runs in the order they started (reads of the current version left out). */
export function rehearsalTimeline(report: ReleaseReport): TimelineEntry[] {
  const start = Date.parse(report.startedAt);
  const checkRuns: TimelineEntry[] = (report.checks ?? []).flatMap((c) =>
    c.runs.map((r) => ({ atMs: Date.parse(r.at) - start, durationMs: r.durationMs ?? 0, step: 'check', service: c.name, version: r.moment, outcome: r.status === 'passed' ? 'ok' : 'failed' })),
  );
  return report.services
    .flatMap((s): TimelineEntry[] =>
      s.steps
        .filter((st) => st.step !== 'current')
        .map((st) => ({
          atMs: Date.parse(st.startedAt) - start,
          durationMs: st.durationMs ?? 0,
          step: st.step,
          service: s.name,
          version: st.version ?? '',
          outcome: st.outcome,
        })),
    )
    .concat(checkRuns)
    .sort((a, b) => a.atMs - b.atMs || a.service.localeCompare(b.service));
}

export function rehearsalPhases(report: ReleaseReport): { deployMs: number; rollbackMs?: number; totalMs: number } {
  const totalMs = report.totals.durationMs ?? 0;
  const rollbackMs = report.totals.rollbackMs;
  return { deployMs: totalMs - (rollbackMs ?? 0), rollbackMs, totalMs };
}

export function formatRehearsal(report: ReleaseReport, header: string[]): string {
  const lines = [...header, '', 'steps, in the order they would start (time from the release start, duration):'];
  for (const e of rehearsalTimeline(report)) {
    const at = `${(e.atMs / 1000).toFixed(2)}s`.padStart(8);
    const took = `+${formatDuration(e.durationMs)}`.padEnd(8);
    const failed = e.outcome === 'ok' || e.outcome === 'noop' ? '' : `  ${e.outcome.toUpperCase()}`;
    lines.push(`  ${at} ${took} ${e.step.padEnd(8)} ${e.service} ${e.version || '(remove)'}${failed}`);
  }
  lines.push('', `outcome: ${report.status}`);
  if (report.firstError) {
    const f = report.firstError;
    lines.push(`  first failure: ${f.service ? `${f.service} ` : ''}${f.step}${f.check ? ` ${f.check}` : ''}: ${f.message}`);
  }
  if (report.compensationOrder.length) lines.push(`  compensation order: ${report.compensationOrder.join(' -> ')}`);
  for (const f of report.rollbackFailures) lines.push(`  rollback would FAIL for ${f.check ? `check ${f.check}` : `${f.service} (${f.step})`}: ${f.message}`);
  const phases = rehearsalPhases(report);
  lines.push(
    `  phases: deploy ${formatDuration(phases.deployMs)}${phases.rollbackMs !== undefined ? `, rollback ${formatDuration(phases.rollbackMs)} (including re-probes)` : ''}, total ${formatDuration(phases.totalMs)}`,
  );
  return lines.join('\n');
}
