/** Human and Markdown forms of a release report. */
import type { CheckReport, ReleaseReport, ServiceReport } from './releaseReport';
import { formatDuration } from '../manifest/duration';
import { releaseGanttMarkdown } from './releaseGantt';
import { shownCompensations, shownStatus } from './unchangedServices';

const arrow = ' -> ';

function versions(s: ServiceReport): string {
  const before = s.previousVersion === undefined ? '?' : s.previousVersion || '(none)';
  const now = s.runningVersion === undefined ? before : s.runningVersion || '(none)';
  return `target ${s.version}, before ${before}, now ${now}`;
}

/** `checkout-flow  final (bake 2m)  passed  3 of 3 steps passed  (runs: final passed, bake passed)` */
function checkLine(c: CheckReport): string {
  const where = `${c.when}${c.bake ? ` (bake ${c.bake})` : ''}${c.alsoAfterRollback ? ' + afterRollback' : ''}`;
  const runs = c.runs.length > 0 ? `  (runs: ${c.runs.map((r) => `${r.moment} ${r.status}`).join(', ')})` : '';
  const reg = c.registered;
  const registered = reg && !reg.alreadyRegistered ? `  [registered ${reg.subject} version ${reg.version}${reg.deleted ? ', deleted by the rollback' : ''}]` : '';
  return `${c.name.padEnd(20)} ${c.kind.padEnd(10)} ${where.padEnd(28)} ${c.status.padEnd(8)} ${c.summary ?? ''}${runs}${registered}`.trimEnd();
}

/** The label of a rollback failure: the service and its step, or the check. */
function rollbackFailureLabel(f: ReleaseReport['rollbackFailures'][number], code: (t: string) => string): string {
  return f.check ? `check ${code(f.check)}` : `${code(f.service ?? '')} ${f.step}`;
}

function firstErrorLabel(e: NonNullable<ReleaseReport['firstError']>, code: (t: string) => string): string {
  return `${e.service ? `${code(e.service)} ` : ''}${e.step}${e.check ? ` ${code(e.check)}` : ''}`;
}

const plain = (t: string) => t;
const backticks = (t: string) => `\`${t}\``;

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
    lines.push(`  first error: ${firstErrorLabel(e, plain)}: ${e.message}`);
  }
  if (report.abort) lines.push(`  aborted: ${report.abort.reason} (at ${report.abort.at})`);
  if (report.queue) lines.push(`  ${queueLine(report.queue)}`);
  lines.push('  services:');
  for (const s of report.services) {
    lines.push(`    ${s.name.padEnd(20)} ${shownStatus(s).padEnd(14)} ${versions(s)}${failedStep(s)}`);
  }
  if (report.checks && report.checks.length > 0) {
    lines.push('  checks:');
    for (const c of report.checks) {
      lines.push(`    ${checkLine(c)}`);
      if (c.status === 'failed') for (const f of c.findings.filter((x) => x.status === 'failed').slice(0, 10)) lines.push(`      ✗ ${f.item}: ${f.message}`);
    }
  }
  for (const g of report.gates) {
    lines.push(`  gate ${g.name}: ${g.status}${g.approvedBy ? ` by ${g.approvedBy} at ${g.approvedAt}` : ''}`);
    for (const r of g.refusals) lines.push(`    refused ${r.by || '(nobody named)'} at ${r.at}: ${r.reason}`);
  }
  if (report.compensationOrder.length > 0) {
    lines.push(`  compensations (newest first): ${shownCompensations(report).join(arrow)}`);
    if (report.totals.rollbackMs !== undefined) lines.push(`  rollback took ${formatDuration(report.totals.rollbackMs)}`);
  }
  for (const f of report.rollbackFailures) lines.push(`  ROLLBACK FAILED: ${rollbackFailureLabel(f, plain)}: ${f.message}`);
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
    lines.push(`**First error:** ${firstErrorLabel(e, backticks)}: ${e.message}`, '');
  }
  lines.push('| service | status | target | before | now | failed step |', '|---|---|---|---|---|---|');
  for (const s of report.services) {
    const failed = s.steps.find((st) => st.outcome === 'failed');
    lines.push(
      `| ${s.name} | ${shownStatus(s)} | ${s.version} | ${s.previousVersion ?? '?'} | ${s.runningVersion ?? s.previousVersion ?? '?'} | ${failed ? `${failed.step}: ${failed.error}` : ''} |`,
    );
  }
  if (report.checks && report.checks.length > 0) {
    lines.push('', '| check | kind | when | status | summary | runs |', '|---|---|---|---|---|---|');
    for (const c of report.checks) {
      const when = `${c.when}${c.bake ? ` (bake ${c.bake})` : ''}${c.alsoAfterRollback ? ' + afterRollback' : ''}`;
      const runs = c.runs.map((r) => `${r.moment} ${r.status === 'passed' ? '✅' : '❌'}`).join(', ');
      lines.push(`| ${c.name} | ${c.kind} | ${when} | ${c.status} | ${markdownCell(c.summary ?? '')} | ${runs} |`);
    }
    for (const c of report.checks.filter((x) => x.status === 'failed')) {
      lines.push('', `<details><summary>Findings of <code>${c.name}</code></summary>`, '');
      for (const f of c.findings) lines.push(`- ${f.status === 'passed' ? '✅' : '❌'} \`${f.item}\`: ${markdownCell(f.message)}`);
      lines.push('', '</details>');
    }
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
  for (const f of report.rollbackFailures) lines.push('', `**Rollback failed:** ${rollbackFailureLabel(f, backticks)}: ${f.message}`);
  const gantt = releaseGanttMarkdown(report);
  if (gantt) lines.push('', gantt);
  return lines.join('\n');
}

/** Text safe inside a Markdown table cell: one line, no column breaks. */
function markdownCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
