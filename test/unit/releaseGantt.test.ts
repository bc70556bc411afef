/** Unit: the Mermaid gantt of a release (report -> lines) and its place at the end of the Markdown report. */
import { formatReportMarkdown } from '../../src/release/formatReport';
import { MERMAID_MAX_TEXT, mermaidText, releaseGantt, releaseGanttMarkdown } from '../../src/release/releaseGantt';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { T0, at, rolledBackReport, step } from '../support/rolledBackReport';

/** Epoch ms of an offset, as the gantt writes it. */
const t = (ms: number) => String(T0 + ms);

test('a rolled-back release: a section per service, the compensations in a rollback section in the order they started, the checks', () => {
  expect(releaseGantt(rolledBackReport())).toEqual([
    'gantt',
    '    title release/prod/checkout-42 RolledBack',
    '    dateFormat x',
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
    '    section db-schema',
    `    deploy 2.0.0 :done, ${t(700)}, ${t(1500)}`,
    `    probe 2.0.0 :done, ${t(1500)}, ${t(1900)}`,
    '    section payments',
    `    deploy 2.0.0 :done, ${t(1900)}, ${t(3100)}`,
    `    probe 2.0.0 :done, ${t(3100)}, ${t(3500)}`,
    '    section orders',
    `    deploy 2.0.0 :done, ${t(3500)}, ${t(4200)}`,
    `    probe 2.0.0 (failed) :crit, ${t(4200)}, ${t(5200)}`,
    '    section notifications',
    `    deploy 2.0.0 (cancelled) :done, ${t(3500)}, ${t(5200)}`,
    '    section rollback',
    `    orders rollback to 1.0.0 :done, ${t(5300)}, ${t(5800)}`,
    `    notifications rollback to 1.0.0 :done, ${t(5300)}, ${t(5700)}`,
    `    payments rollback to 1.0.0 :done, ${t(5800)}, ${t(6500)}`,
    `    db-schema rollback to 1.0.0 :done, ${t(6500)}, ${t(7000)}`,
    `    db-schema verify 1.0.0 :done, ${t(7000)}, ${t(7200)}`,
    `    payments verify 1.0.0 :done, ${t(7000)}, ${t(7300)}`,
    `    orders verify 1.0.0 :done, ${t(7000)}, ${t(7250)}`,
    `    notifications verify 1.0.0 :done, ${t(7000)}, ${t(7200)}`,
    '    section checks',
    `    order-schema preflight :done, ${t(100)}, ${t(600)}`,
    `    checkout-flow afterRollback :done, ${t(7400)}, ${t(8600)}`,
  ]);
});

test('the Markdown report ends with the gantt in a mermaid fence, after its existing part unchanged', () => {
  const report = rolledBackReport();
  const md = formatReportMarkdown(report);
  const fence = md.indexOf('\n\n```mermaid\ngantt\n');
  expect(fence).toBeGreaterThan(0);
  expect(md.endsWith('\n```')).toBe(true);
  expect(md.slice(0, fence)).toMatch(/\*\*Compensations \(newest first\):\*\* orders → notifications → payments → db-schema$/);
  expect(md.slice(fence + 2).split('\n')).toEqual(['```mermaid', ...releaseGantt(report), '```']);
});

test('a release with no step or check run yet has no gantt, and its Markdown none', () => {
  const queued: ReleaseReport = { ...rolledBackReport(), status: 'Queued', endedAt: undefined, checks: [], services: [{ name: 'a', status: 'Pending', version: '2', dependsOn: [], steps: [] }] };
  expect(releaseGantt(queued)).toEqual([]);
  expect(formatReportMarkdown(queued)).not.toContain('mermaid');
});

test('a running step is active and ends at the latest time the report knows; an unchanged step says so; bake rounds are numbered', () => {
  const running: ReleaseReport = {
    ...rolledBackReport(),
    status: 'Deploying',
    endedAt: undefined,
    services: [
      { name: 'a', status: 'Succeeded', version: '2', dependsOn: [], steps: [{ ...step('deploy', '2', 0, 300), outcome: 'noop' }] },
      { name: 'b', status: 'Deploying', version: '2', dependsOn: ['a'], steps: [{ step: 'deploy', version: '2', startedAt: at(300), outcome: 'running' }] },
    ],
    checks: [
      {
        name: 'latency',
        kind: 'prometheus',
        when: 'final',
        bake: '1m',
        alsoAfterRollback: false,
        status: 'running',
        findings: [],
        runs: [
          { at: at(400), moment: 'bake', status: 'passed', summary: 'ok', durationMs: 100 },
          { at: at(900), moment: 'bake', status: 'failed', summary: 'p99 too high', durationMs: 200 },
        ],
      },
    ],
  };
  expect(releaseGantt(running).slice(5)).toEqual([
    '    section a',
    `    deploy 2 (unchanged) :done, ${t(0)}, ${t(300)}`,
    '    section b',
    `    deploy 2 (running) :active, ${t(300)}, ${t(1100)}`,
    '    section checks',
    `    latency bake 1 :done, ${t(400)}, ${t(500)}`,
    `    latency bake 2 (failed) :crit, ${t(900)}, ${t(1100)}`,
  ]);
});

test("names lose what Mermaid's grammar would read as syntax: ':', '#', ';', '%%' and line breaks", () => {
  expect(mermaidText('registry:5000/app#7; a %% b\nc')).toBe('registry∶5000/app＃7, a % b c');
  const report = rolledBackReport();
  report.services = [{ name: 'api:v2', status: 'Succeeded', version: 'img:1#2', dependsOn: [], steps: [step('deploy', 'img:1#2', 0, 10)] }];
  report.checks = [];
  const lines = releaseGantt(report);
  expect(lines).toContain('    section api∶v2');
  expect(lines).toContain(`    deploy img∶1＃2 :done, ${t(0)}, ${t(10)}`);
});

test('a gantt longer than Mermaid draws is left out of the Markdown with a line saying so', () => {
  const big = rolledBackReport();
  big.checks = [];
  big.services = Array.from({ length: 600 }, (_, i) => ({
    name: `service-${i}`,
    status: 'Succeeded' as const,
    version: '2.0.0',
    dependsOn: [],
    steps: [step('deploy', '2.0.0', i, i + 100), step('probe', '2.0.0', i + 100, i + 200)],
  }));
  expect(releaseGantt(big).join('\n').length).toBeGreaterThan(MERMAID_MAX_TEXT);
  expect(releaseGanttMarkdown(big)).toBe(
    '_The gantt of this release is left out: its 1805 lines are more than Mermaid draws (50000 characters); `lockstep report --format svg` draws its timeline._',
  );
  expect(formatReportMarkdown(big)).not.toContain('```mermaid');
});
