/**
 * A hand-built report of a rolled-back release, for the pictures (gantt, SVG): four services, the
 * probe of `orders` fails while the deploy of `notifications` runs (it is cancelled), everything is
 * rolled back, newest first, then every service is verified at once (as the workflow does); a
 * preflight check passed before, a check after the rollback.
 * Times are offsets from T0 in ms.
 */
import type { CheckReport, ReleaseReport, ServiceReport, StepRecord } from '../../src/release/releaseReport';

export const T0 = Date.parse('2025-01-01T10:00:00.000Z');
export const at = (ms: number): string => new Date(T0 + ms).toISOString();

export function step(step: StepRecord['step'], version: string, startMs: number, endMs: number, outcome: StepRecord['outcome'] = 'ok'): StepRecord {
  return { step, version, startedAt: at(startMs), endedAt: at(endMs), durationMs: endMs - startMs, outcome };
}

function service(name: string, steps: StepRecord[], dependsOn: string[] = []): ServiceReport {
  return { name, status: 'RolledBack', version: '2.0.0', previousVersion: '1.0.0', runningVersion: '1.0.0', dependsOn, steps };
}

function check(name: string, when: string, runs: CheckReport['runs']): CheckReport {
  const last = runs.at(-1)!;
  return { name, kind: 'synthetic', when, alsoAfterRollback: when !== 'preflight', status: last.status, summary: last.summary, findings: [], runs };
}

export function rolledBackReport(): ReleaseReport {
  return {
    releaseId: 'checkout-42',
    workflowId: 'release/prod/checkout-42',
    environment: 'prod',
    status: 'RolledBack',
    startedAt: at(0),
    endedAt: at(8700),
    services: [
      service('db-schema', [step('current', '1.0.0', 0, 100), step('deploy', '2.0.0', 700, 1500), step('probe', '2.0.0', 1500, 1900), step('rollback', '1.0.0', 6500, 7000), step('verify', '1.0.0', 7000, 7200)]),
      service('payments', [step('current', '1.0.0', 0, 100), step('deploy', '2.0.0', 1900, 3100), step('probe', '2.0.0', 3100, 3500), step('rollback', '1.0.0', 5800, 6500), step('verify', '1.0.0', 7000, 7300)], ['db-schema']),
      service(
        'orders',
        [
          step('current', '1.0.0', 0, 100),
          step('deploy', '2.0.0', 3500, 4200),
          { ...step('probe', '2.0.0', 4200, 5200, 'failed'), error: 'health probe of orders failed: HTTP 500', attempts: 3 },
          step('rollback', '1.0.0', 5300, 5800),
          step('verify', '1.0.0', 7000, 7250),
        ],
        ['payments'],
      ),
      service('notifications', [step('current', '1.0.0', 0, 100), step('deploy', '2.0.0', 3500, 5200, 'cancelled'), step('rollback', '1.0.0', 5300, 5700), step('verify', '1.0.0', 7000, 7200)], ['payments']),
    ],
    gates: [],
    checks: [
      check('order-schema', 'preflight', [{ at: at(100), moment: 'preflight', status: 'passed', summary: '1 of 1 schemas compatible', durationMs: 500 }]),
      check('checkout-flow', 'final', [{ at: at(7400), moment: 'afterRollback', status: 'passed', summary: '3 of 3 steps passed', durationMs: 1200 }]),
    ],
    firstError: { service: 'orders', step: 'probe', message: 'health probe of orders failed: HTTP 500' },
    compensationOrder: ['orders', 'notifications', 'payments', 'db-schema'],
    rollbackFailures: [],
    totals: { durationMs: 8700, rollbackMs: 3500, deployed: 0, rolledBack: 4 },
  };
}
