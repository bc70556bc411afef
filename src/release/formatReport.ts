/** Human and Markdown forms of a release report. */
import type { ReleaseReport, ServiceReport } from './releaseReport';
import { formatDuration } from '../manifest/duration';
import { shownCompensations, shownStatus } from './unchangedServices';

const arrow = ' -> ';

function versions(s: ServiceReport): string {
  const before = s.previousVersion === undefined ? '?' : s.previousVersion || '(none)';
  const now = s.runningVersion === undefined ? before : s.runningVersion || '(none)';
  return `target ${s.version}, before ${before}, now ${now}`;
}

function failedStep(s: ServiceReport): string {
  const failed = s.steps.find((st) => st.outcome === 'failed');
  return failed ? ` — ${failed.step} failed: ${failed.error ?? ''}${failed.attempts ? ` (attempt ${failed.attempts})` : ''}` : '';
}

export function formatReportText(report: ReleaseReport): string {
  const lines: string[] = [];
  lines.push(`release ${report.workflowId}: ${report.status}${report.totals.durationMs !== undefined ? ` in ${formatDuration(report.totals.durationMs)}` : ''}`);
  if (report.closedAs) lines.push(`  ${closedLine(report)}`);
  if (report.firstError) {
    const e = report.firstError;
    lines.push(`  first error: ${e.service ? `${e.service} ` : ''}${e.step}: ${e.message}`);
  }
  if (report.abort) lines.push(`  aborted: ${report.abort.reason} (at ${report.abort.at})`);
  if (report.queue) lines.push(`  ${queueLine(report.queue)}`);
  lines.push('  services:');
  for (const s of report.services) {
    lines.push(`    ${s.name.padEnd(20)} ${shownStatus(s).padEnd(14)} ${versions(s)}${failedStep(s)}`);
  }
  for (const g of report.gates) {
    lines.push(`  gate ${g.name}: ${g.status}${g.approvedBy ? ` by ${g.approvedBy} at ${g.approvedAt}` : ''}`);
    for (const r of g.refusals) lines.push(`    refused ${r.by || '(nobody named)'} at ${r.at}: ${r.reason}`);
  }
  if (report.compensationOrder.length > 0) {
    lines.push(`  compensations (newest first): ${shownCompensations(report).join(arrow)}`);
    if (report.totals.rollbackMs !== undefined) lines.push(`  rollback took ${formatDuration(report.totals.rollbackMs)}`);
  }
  for (const f of report.rollbackFailures) lines.push(`  ROLLBACK FAILED: ${f.service} ${f.step}: ${f.message}`);
  return lines.join('\n');
}

function closedLine(report: ReleaseReport): string {
  const { execution, reason } = report.closedAs!;
  return `${execution} while ${report.status}${reason ? ` (${reason})` : ''}: nothing after that ran; check its services by hand`;
}

function queueLine(queue: NonNullable<ReleaseReport['queue']>): string {
  const waited = queue.grantedAt ? `, its turn came at ${queue.grantedAt}` : ', still waiting';
  return `queued behind ${queue.behind} (${queue.ahead} ahead) at ${queue.since}${waited}`;
}

export function formatReportMarkdown(report: ReleaseReport): string {
  const icon = report.status === 'Succeeded' ? '✅' : report.status === 'RollbackFailed' ? '🛑' : '↩️';
  const lines = [`## ${icon} Release \`${report.workflowId}\`: ${report.status}`, ''];
  if (report.closedAs) lines.push(`**${closedLine(report)}**`, '');
  if (report.firstError) {
    const e = report.firstError;
    lines.push(`**First error:** ${e.service ? `\`${e.service}\` ` : ''}${e.step}: ${e.message}`, '');
  }
  lines.push('| service | status | target | before | now | failed step |', '|---|---|---|---|---|---|');
  for (const s of report.services) {
    const failed = s.steps.find((st) => st.outcome === 'failed');
    lines.push(
      `| ${s.name} | ${shownStatus(s)} | ${s.version} | ${s.previousVersion ?? '?'} | ${s.runningVersion ?? s.previousVersion ?? '?'} | ${failed ? `${failed.step}: ${failed.error}` : ''} |`,
    );
  }
  if (report.queue) lines.push('', `**Environment:** ${queueLine(report.queue)}`);
  if (report.gates.length > 0) {
    lines.push('', '| gate | status | approved by | at | refused |', '|---|---|---|---|---|');
    for (const g of report.gates) {
      const refused = g.refusals.map((r) => `${r.by || '(nobody named)'} at ${r.at}: ${r.reason}`).join('<br>');
      lines.push(`| ${g.name} | ${g.status} | ${g.approvedBy ?? ''} | ${g.approvedAt ?? ''} | ${refused} |`);
    }
  }
  if (report.compensationOrder.length > 0) lines.push('', `**Compensations (newest first):** ${shownCompensations(report).join(' → ')}`);
  for (const f of report.rollbackFailures) lines.push('', `**Rollback failed:** \`${f.service}\` ${f.step}: ${f.message}`);
  return lines.join('\n');
}
