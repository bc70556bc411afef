/**
 * The live view of `release --follow` on a terminal, as lines: a header with the release's status
 * and one row per service with its status, what it does now and for how long. Pure: the report and
 * the time in, lines out (the terminal writer redraws them in place).
 *
 *   release/prod/checkout-42  Deploying  4.5s  1/3 deployed
 *     db-schema  Succeeded    2.0.0 (was 1.0.0)  1.1s
 *     payments   Deploying    deploy 2.0.0       3.2s
 *     orders     Pending      waits for payments
 */
import type { ReleaseReport, ServiceReport, StepRecord } from '../release/releaseReport';
import { UNCHANGED, isUnchanged, shownStatus } from '../release/unchangedServices';

/** Elapsed time with one decimal below a minute, so a running step visibly counts: 3.2s, 1m05s. */
export function formatElapsed(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)}s`;
  const minutes = Math.floor(clamped / 60_000);
  const seconds = Math.floor((clamped % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

function stepEnd(step: StepRecord, now: number): number {
  if (step.outcome === 'running') return now;
  return step.endedAt ? Date.parse(step.endedAt) : Date.parse(step.startedAt) + (step.durationMs ?? 0);
}

/** The service's time in play: from its first deploy (or rollback) step to now while a step runs, else to its last step's end. */
function serviceTime(service: ServiceReport, now: number): number | undefined {
  const active = service.steps.filter((s) => s.step !== 'current');
  if (active.length === 0) return undefined;
  return Math.max(...active.map((s) => stepEnd(s, now))) - Date.parse(active[0]!.startedAt);
}

function stepLabel(step: StepRecord): string {
  const version = step.version === undefined ? '' : step.version || '(none)';
  const what =
    step.step === 'current'
      ? step.outcome === 'running' ? 'read current version' : `current ${version || '(none)'}`
      : step.step === 'rollback'
        ? `roll back to ${version}`
        : `${step.step} ${version}`;
  const outcome = step.outcome === 'running' || step.outcome === 'ok' ? '' : step.outcome === 'noop' ? ` (${UNCHANGED})` : ` ${step.outcome}`;
  return `${what.trim()}${outcome}`;
}

/** What a service that has not started waits for: its dependencies, a gate, or its turn. */
function waitingFor(service: ServiceReport, report: ReleaseReport): string {
  if (report.endedAt) return 'not started';
  const statusOf = new Map(report.services.map((s) => [s.name, s.status]));
  const dependencies = service.dependsOn.filter((d) => statusOf.get(d) !== 'Succeeded');
  if (dependencies.length > 0) return `waits for ${dependencies.join(', ')}`;
  const gate = report.gates.find((g) => g.status === 'waiting' && g.before.includes(service.name));
  if (gate) return `waits for approval (gate ${gate.name})`;
  if (report.status === 'Paused') return 'paused';
  if (report.status === 'Queued') return 'waits for the environment';
  return 'waiting';
}

/** What the service does now, or, once it is settled, where it ended. */
function doing(service: ServiceReport, report: ReleaseReport): string {
  const last = service.steps[service.steps.length - 1];
  const before = service.previousVersion === undefined ? '?' : service.previousVersion || '(none)';
  switch (service.status) {
    case 'Pending':
      return waitingFor(service, report);
    case 'Skipped':
      return 'not touched';
    case 'Succeeded':
      return service.steps.some((s) => s.step === 'deploy' && s.outcome === 'noop') ? `${service.version} (already running)` : `${service.version} (was ${before})`;
    case 'RolledBack': {
      const now = service.runningVersion ?? service.previousVersion;
      return `${isUnchanged(service) ? 'still on' : 'back on'} ${now === undefined ? '?' : now || '(none)'}`;
    }
    default:
      return last ? stepLabel(last) : '';
  }
}

interface ServiceRow {
  name: string;
  status: string;
  doing: string;
  time: string;
  error: string;
}

function serviceRow(service: ServiceReport, report: ReleaseReport, now: number): ServiceRow {
  const failed = service.steps.find((s) => s.outcome === 'failed');
  const time = service.status === 'Pending' || service.status === 'Skipped' ? undefined : serviceTime(service, now);
  return {
    name: service.name,
    status: shownStatus(service),
    doing: doing(service, report),
    time: time === undefined ? '' : formatElapsed(time),
    error: failed?.error ? `${failed.step}: ${failed.error}` : '',
  };
}

function header(report: ReleaseReport, now: number): string {
  const elapsed = formatElapsed((report.endedAt ? Date.parse(report.endedAt) : now) - Date.parse(report.startedAt));
  const total = report.services.length;
  const count = (status: string) => report.services.filter((s) => s.status === status).length;
  const parts = [report.workflowId, report.status, elapsed, `${count('Succeeded')}/${total} deployed`];
  const rolledBack = report.services.filter((s) => s.status === 'RolledBack' && !isUnchanged(s)).length;
  if (rolledBack > 0 || report.status === 'RollingBack') parts.push(`${rolledBack} rolled back`);
  if (report.status === 'Queued' && report.queue) parts.push(`behind ${report.queue.behind} (${report.queue.ahead} ahead)`);
  const gate = report.status === 'AwaitingApproval' ? report.gates.find((g) => g.status === 'waiting') : undefined;
  if (gate) parts.push(`gate ${gate.name} waits for approval`);
  return parts.join('  ');
}

const MIN_STATUS_WIDTH = 'RollingBack'.length;

function fit(line: string, width: number | undefined): string {
  if (width === undefined || line.length <= width) return line;
  return width <= 1 ? line.slice(0, width) : `${line.slice(0, width - 1)}…`;
}

/** The view's lines; each at most `width` characters when a width is given (a wrapped line would break the redraw). */
export function followTable(report: ReleaseReport, now: number, width?: number): string[] {
  const rows = report.services.map((s) => serviceRow(s, report, now));
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  // at least as wide as RollingBack/RolledBack, so the columns hold still when a rollback starts
  const statusWidth = Math.max(MIN_STATUS_WIDTH, ...rows.map((r) => r.status.length));
  const doingWidth = Math.max(...rows.map((r) => (r.time ? r.doing.length : 0)));
  const timeWidth = Math.max(...rows.map((r) => r.time.length));
  const lines = [header(report, now)];
  for (const r of rows) {
    const cells = [r.name.padEnd(nameWidth), r.status.padEnd(statusWidth), r.time ? r.doing.padEnd(doingWidth) : r.doing];
    if (r.time) cells.push(r.time.padStart(timeWidth));
    if (r.error) cells.push(r.error.replace(/\s+/g, ' '));
    lines.push(`  ${cells.join('  ')}`.trimEnd());
  }
  // one line per check: `check checkout-flow  final  running` / `passed  2 of 2 steps passed`
  const checks = report.checks ?? [];
  const checkWidth = Math.max(0, ...checks.map((c) => c.name.length));
  for (const c of checks) {
    const runs = c.runs.length > 1 ? ` (run ${c.runs.length})` : '';
    lines.push(`  check ${c.name.padEnd(checkWidth)}  ${c.when}  ${c.status}${runs}${c.summary && c.status !== 'running' ? `  ${c.summary.replace(/\s+/g, ' ')}` : ''}`);
  }
  return lines.map((line) => fit(line, width));
}
