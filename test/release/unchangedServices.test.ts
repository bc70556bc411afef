/**
 * A no-op step reads `unchanged` wherever a report is rendered (text, Markdown, the follow table,
 * the plain progress lines), never `RolledBack`/"rolled back" or `Succeeded` for work not done.
 */
import { formatReportMarkdown, formatReportText } from '../../src/release/formatReport';
import { followTable } from '../../src/cli/followTable';
import { plainProgress } from '../../src/cli/plainProgress';
import type { ReleaseReport, StepRecord } from '../../src/release/releaseReport';

const T0 = Date.parse('2025-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const step = (name: StepRecord['step'], version: string, startMs: number, outcome: StepRecord['outcome'], error?: string): StepRecord => ({
  step: name,
  version,
  startedAt: at(startMs),
  endedAt: at(startMs + 100),
  durationMs: 100,
  outcome,
  ...(error ? { error } : {}),
});

// db was already on 3.1.0 (deploy no-op); payments deployed and was rolled back for real; orders'
// deploy failed before changing anything, so its rollback found 5.0.0 running and ran nothing
const report: ReleaseReport = {
  releaseId: 'sprint-7',
  workflowId: 'release/qa/sprint-7',
  environment: 'qa',
  status: 'RolledBack',
  startedAt: at(0),
  endedAt: at(5000),
  services: [
    { name: 'db', status: 'Succeeded', version: '3.1.0', previousVersion: '3.1.0', runningVersion: '3.1.0', dependsOn: [], steps: [step('current', '3.1.0', 0, 'ok'), step('deploy', '3.1.0', 200, 'noop')] },
    {
      name: 'payments',
      status: 'RolledBack',
      version: '6.0.1',
      previousVersion: '6.0.0',
      runningVersion: '6.0.0',
      dependsOn: ['db'],
      steps: [step('current', '6.0.0', 0, 'ok'), step('deploy', '6.0.1', 400, 'ok'), step('rollback', '6.0.0', 3000, 'ok')],
    },
    {
      name: 'orders',
      status: 'RolledBack',
      version: '5.0.1',
      previousVersion: '5.0.0',
      runningVersion: '5.0.0',
      dependsOn: ['payments'],
      steps: [step('current', '5.0.0', 0, 'ok'), step('deploy', '5.0.1', 800, 'failed', 'exit 1'), step('rollback', '5.0.0', 2000, 'noop')],
    },
  ],
  gates: [],
  firstError: { service: 'orders', step: 'deploy', message: 'exit 1' },
  compensationOrder: ['orders', 'payments'],
  rollbackFailures: [],
  totals: { durationMs: 5000, rollbackMs: 1200, deployed: 1, rolledBack: 2 },
};

test('text: the no-op services read unchanged; the compensation that ran nothing is marked', () => {
  const text = formatReportText(report);
  expect(text).toMatch(/^ {4}db {19}unchanged {6}target 3\.1\.0, before 3\.1\.0, now 3\.1\.0$/m);
  expect(text).toMatch(/^ {4}orders {15}unchanged {6}target 5\.0\.1/m);
  expect(text).toMatch(/^ {4}payments {13}RolledBack {5}/m);
  expect(text).toContain('compensations (newest first): orders (unchanged) -> payments');
});

test('Markdown: the status column says unchanged; the compensations mark the no-op', () => {
  const md = formatReportMarkdown(report);
  expect(md).toContain('| db | unchanged | 3.1.0 | 3.1.0 | 3.1.0 |  |');
  expect(md).toContain('| orders | unchanged | 5.0.1 | 5.0.0 | 5.0.0 | deploy: exit 1 |');
  expect(md).toContain('| payments | RolledBack |');
  expect(md).toContain('**Compensations (newest first):** orders (unchanged) → payments');
});

test('the follow table and the plain progress lines say unchanged and count only real rollbacks', () => {
  const lines = followTable(report, T0 + 5000);
  expect(lines[0]).toContain('1 rolled back');
  expect(lines.find((l) => l.includes('orders'))).toMatch(/orders +unchanged +still on 5\.0\.0/);
  expect(lines.find((l) => l.includes('payments'))).toMatch(/payments +RolledBack +back on 6\.0\.0/);
  expect(lines.find((l) => l.includes(' db '))).toMatch(/db +unchanged +3\.1\.0 \(already running\)/);

  const printed: string[] = [];
  plainProgress((line) => printed.push(line)).end(report);
  expect(printed).toEqual(['release RolledBack', '  db unchanged (deploy unchanged)', '  payments RolledBack (rollback ok)', '  orders unchanged (rollback unchanged)']);
});
