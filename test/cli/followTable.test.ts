/** Unit: the follow table (report + time -> lines), the in-place writer, the terminal check and the plain view. */
import { followTable, formatElapsed } from '../../src/cli/followTable';
import { CLEAR_BELOW, CLEAR_LINE, CURSOR_UP, LiveLines, isLiveTerminal } from '../../src/cli/liveLines';
import { plainProgress } from '../../src/cli/plainProgress';
import type { ReleaseReport, ServiceReport, StepRecord } from '../../src/release/releaseReport';

const T0 = Date.parse('2025-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function step(step: StepRecord['step'], version: string | undefined, startMs: number, endMs?: number, outcome: StepRecord['outcome'] = endMs === undefined ? 'running' : 'ok'): StepRecord {
  return { step, version, startedAt: at(startMs), outcome, ...(endMs === undefined ? {} : { endedAt: at(endMs), durationMs: endMs - startMs }) };
}

function service(name: string, status: ServiceReport['status'], steps: StepRecord[], extra: Partial<ServiceReport> = {}): ServiceReport {
  return { name, status, version: '2.0.0', previousVersion: '1.0.0', dependsOn: [], steps, ...extra };
}

function report(services: ServiceReport[], extra: Partial<ReleaseReport> = {}): ReleaseReport {
  return {
    releaseId: 'checkout-42',
    workflowId: 'release/prod/checkout-42',
    environment: 'prod',
    status: 'Deploying',
    startedAt: at(0),
    services,
    gates: [],
    compensationOrder: [],
    rollbackFailures: [],
    totals: { deployed: 0, rolledBack: 0 },
    ...extra,
  };
}

const deploying = report([
  service('db-schema', 'Succeeded', [step('current', '1.0.0', 0, 100), step('deploy', '2.0.0', 200, 900), step('probe', '2.0.0', 900, 1300)]),
  service('payments', 'Deploying', [step('current', '1.0.0', 0, 100), step('deploy', '2.0.0', 1300)], { dependsOn: ['db-schema'] }),
  service('orders', 'Pending', [step('current', '1.0.0', 0, 100)], { dependsOn: ['payments'] }),
  service('notifications', 'Pending', [], { dependsOn: [] }),
]);

test('a header with the release status and one row per service: status, what it does, elapsed', () => {
  expect(followTable(deploying, T0 + 4500)).toEqual([
    'release/prod/checkout-42  Deploying  4.5s  1/4 deployed',
    '  db-schema      Succeeded    2.0.0 (was 1.0.0)  1.1s',
    '  payments       Deploying    deploy 2.0.0       3.2s',
    '  orders         Pending      waits for payments',
    '  notifications  Pending      waiting',
  ]);
});

test('the elapsed time of a running step counts with the clock; a finished service keeps its time', () => {
  const later = followTable(deploying, T0 + 10_000);
  expect(later[0]).toContain('10.0s');
  expect(later[1]).toMatch(/1\.1s$/);
  expect(later[2]).toMatch(/deploy 2\.0\.0\s+8\.7s$/);
});

test('a rollback: failed service with its error, rolled back services, counts in the header', () => {
  const rollingBack = report(
    [
      service('db-schema', 'RolledBack', [step('deploy', '2.0.0', 0, 500), step('rollback', '1.0.0', 3000, 3400), step('verify', '1.0.0', 3400, 3600)], { runningVersion: '1.0.0' }),
      service('orders', 'RollingBack', [
        step('deploy', '2.0.0', 500, 1000),
        { ...step('probe', '2.0.0', 1000, 2900, 'failed'), error: 'health probe of orders failed:\n HTTP 500' },
        step('rollback', '1.0.0', 3000),
      ]),
    ],
    { status: 'RollingBack' },
  );
  expect(followTable(rollingBack, T0 + 3800)).toEqual([
    'release/prod/checkout-42  RollingBack  3.8s  0/2 deployed  1 rolled back',
    '  db-schema  RolledBack   back on 1.0.0       3.6s',
    '  orders     RollingBack  roll back to 1.0.0  3.3s  probe: health probe of orders failed: HTTP 500',
  ]);
});

test('an ended release uses its end time; services never started say so; a gate wait shows in the header and the row', () => {
  const ended = report([service('a', 'Succeeded', [step('deploy', '2.0.0', 0, 1000)]), service('b', 'Skipped', [])], {
    status: 'Rejected',
    endedAt: at(2000),
  });
  const lines = followTable(ended, T0 + 60_000);
  expect(lines[0]).toBe('release/prod/checkout-42  Rejected  2.0s  1/2 deployed');
  expect(lines[2]).toBe('  b  Skipped      not touched');
  const gated = report([service('a', 'Succeeded', [step('deploy', '2.0.0', 0, 1000)]), service('b', 'Pending', [])], {
    status: 'AwaitingApproval',
    gates: [{ name: 'prod-ok', before: ['b'], status: 'waiting', refusals: [] }],
  });
  const gatedLines = followTable(gated, T0 + 1500);
  expect(gatedLines[0]).toContain('gate prod-ok waits for approval');
  expect(gatedLines[2]).toContain('waits for approval (gate prod-ok)');
});

test('a queued release says behind whom it waits', () => {
  const queued = report([service('a', 'Pending', [])], { status: 'Queued', queue: { behind: 'release/prod/checkout-41', ahead: 2, since: at(0) } });
  expect(followTable(queued, T0 + 1000)).toEqual([
    'release/prod/checkout-42  Queued  1.0s  0/1 deployed  behind release/prod/checkout-41 (2 ahead)',
    '  a  Pending      waits for the environment',
  ]);
});

test('lines are cut to the width with an ellipsis (a wrapped line would break the redraw)', () => {
  const lines = followTable(deploying, T0 + 4500, 30);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
  expect(lines[0]).toBe('release/prod/checkout-42  Dep…');
});

test('formatElapsed: tenths below a minute, minutes and seconds above, never negative', () => {
  expect(formatElapsed(3200)).toBe('3.2s');
  expect(formatElapsed(0)).toBe('0.0s');
  expect(formatElapsed(-50)).toBe('0.0s');
  expect(formatElapsed(65_000)).toBe('1m05s');
});

test('LiveLines: the first draw writes the lines; the next moves up over them, clears and rewrites each', () => {
  const written: string[] = [];
  const lines = new LiveLines({ write: (chunk) => written.push(chunk) > 0, isTTY: true, columns: 100 });
  lines.draw(['a', 'b', 'c']);
  lines.draw(['A', 'B']);
  expect(written[0]).toBe(`${CLEAR_LINE}a\n${CLEAR_LINE}b\n${CLEAR_LINE}c\n`);
  expect(written[1]).toBe(`\r${CURSOR_UP(3)}${CLEAR_LINE}A\n${CLEAR_LINE}B\n${CLEAR_BELOW}`);
  expect(CURSOR_UP(3)).toBe('\x1b[3A');
  expect(lines.width).toBe(99);
});

test('isLiveTerminal: only a TTY, not in CI, not TERM=dumb', () => {
  const tty = { write: () => true, isTTY: true };
  expect(isLiveTerminal(tty, { TERM: 'xterm-256color' })).toBe(true);
  expect(isLiveTerminal({ write: () => true, isTTY: false }, {})).toBe(false);
  expect(isLiveTerminal({ write: () => true }, {})).toBe(false);
  expect(isLiveTerminal(tty, { CI: 'true' })).toBe(false);
  expect(isLiveTerminal(tty, { CI: '1' })).toBe(false);
  expect(isLiveTerminal(tty, { CI: 'false' })).toBe(true);
  expect(isLiveTerminal(tty, { TERM: 'dumb' })).toBe(false);
});

test('plainProgress: one line per change of the release or a service, nothing when nothing changed', () => {
  const printed: string[] = [];
  const view = plainProgress((line) => printed.push(line));
  view.update(deploying);
  view.update(deploying);
  const done = report(deploying.services.map((s) => ({ ...s, status: 'Succeeded' as const, steps: [step('probe', '2.0.0', 0, 10)] })), { status: 'Succeeded' });
  view.end(done);
  expect(printed).toEqual([
    'release Deploying',
    '  db-schema Succeeded (probe ok)',
    '  payments Deploying (deploy running)',
    '  orders Pending (current ok)',
    '  notifications Pending',
    'release Succeeded',
    '  payments Succeeded (probe ok)',
    '  orders Succeeded (probe ok)',
    '  notifications Succeeded (probe ok)',
  ]);
  for (const line of printed) expect(line).not.toContain('\x1b');
});

test('checks follow the services: where each runs, its state, the run count during a bake, the summary once known', () => {
  const checks: NonNullable<ReleaseReport['checks']> = [
    { name: 'contracts', kind: 'pact', when: 'after payments', alsoAfterRollback: false, status: 'passed', summary: '2 of 2 consumer pacts passed', findings: [], runs: [{ at: at(0), moment: 'after', status: 'passed', summary: '' }] },
    {
      name: 'checkout-flow',
      kind: 'synthetic',
      when: 'final',
      bake: '2m',
      alsoAfterRollback: true,
      status: 'running',
      summary: '2 of 2 steps passed',
      findings: [],
      runs: [
        { at: at(0), moment: 'final', status: 'passed', summary: '' },
        { at: at(10), moment: 'bake', status: 'passed', summary: '' },
      ],
    },
  ];
  const lines = followTable(report([service('payments', 'Succeeded', [step('deploy', '2.0.0', 0, 1000)])], { status: 'Verifying', checks }), T0 + 5000);
  expect(lines[0]).toContain('Verifying');
  expect(lines.slice(-2)).toEqual(['  check contracts      after payments  passed  2 of 2 consumer pacts passed', '  check checkout-flow  final  running (run 2)']);
  const printed: string[] = [];
  const view = plainProgress((line) => printed.push(line));
  view.update(report([], { status: 'Verifying', checks }));
  expect(printed).toEqual(['release Verifying', '  check contracts passed: 2 of 2 consumer pacts passed', '  check checkout-flow running']);
});
