/**
 * `lockstep rehearse`: the real release workflow on the demo's dependency graph with simulated
 * targets: the order of steps, the compensation order, injected failures at each kind of step.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { loadManifest } from '../../src/manifest/loadManifest';
import { runRehearsal } from '../../src/rehearsal/runRehearsal';
import { rehearsalTimeline } from '../../src/rehearsal/formatRehearsal';
import { createLogger } from '../../src/logging/logger';
import type { FailableStep } from '../../src/rehearsal/rehearsalManifest';
import { runCli } from '../support/runCli';
import { acceptsConnections } from '../../src/net/tcpPorts';

const DEMO_V3 = resolve(__dirname, '..', '..', 'demo', 'release-v3.yaml');
const logger = createLogger();
logger.level = 'silent';

function rehearse(failures: [string, FailableStep][]) {
  return runRehearsal(loadManifest(DEMO_V3), { latencyMs: 100, probeLatencyMs: 30, jitter: 0, failures: failures.map(([service, step]) => ({ service, step })) }, logger);
}

const startOf = (timeline: ReturnType<typeof rehearsalTimeline>, step: string, service: string) =>
  timeline.find((e) => e.step === step && e.service === service)!.atMs;

test('the CLI rehearses the demo manifest: dependency order, exit 0, nothing real touched', async () => {
  const result = await runCli(['rehearse', DEMO_V3, '--latency', '200ms', '--json']);
  expect(result.code).toBe(0);
  const out = JSON.parse(result.stdout);
  expect(out.rehearsal).toBe(true);
  expect(out.report.status).toBe('Succeeded');
  const t = out.timeline as ReturnType<typeof rehearsalTimeline>;
  expect(startOf(t, 'deploy', 'payments')).toBeGreaterThan(startOf(t, 'probe', 'db-schema'));
  expect(startOf(t, 'deploy', 'orders')).toBeGreaterThan(startOf(t, 'probe', 'payments'));
  // independent services deploy at the same time: each one's deploy starts before the other's ends
  const deployOf = (service: string) => t.find((e) => e.step === 'deploy' && e.service === service)!;
  const [notifications, dbSchema] = [deployOf('notifications'), deployOf('db-schema')];
  expect(notifications.atMs).toBeLessThan(dbSchema.atMs + dbSchema.durationMs);
  expect(dbSchema.atMs).toBeLessThan(notifications.atMs + notifications.durationMs);
  expect(t.filter((e) => e.step === 'deploy').every((e) => e.durationMs >= 200)).toBe(true);
  // the demo's real services were never started
  for (const port of [7311, 7312, 7313, 7314]) expect(await acceptsConnections(port)).toBe(false);
});

test('the CLI prints the timeline and exits 1 for a probe failure, 3 for a bad --fail', async () => {
  const result = await runCli(['rehearse', DEMO_V3, '--fail', 'orders:probe', '--latency', '100ms']);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('nothing real was touched');
  expect(result.stdout).toContain('injected failures: orders:probe');
  expect(result.stdout).toMatch(/probe\s+orders 3\.0\.0\s+FAILED/);
  expect(result.stdout).toContain('compensation order: orders -> payments -> notifications -> db-schema');
  expect(result.stdout).toMatch(/phases: deploy .*, rollback .* \(including re-probes\), total/);

  const bad = await runCli(['rehearse', DEMO_V3, '--fail', 'billing:deploy']);
  expect(bad.code).toBe(3);
  expect(bad.stderr).toContain('--fail billing:deploy: no service "billing" in the manifest');
  const badStep = await runCli(['rehearse', DEMO_V3, '--fail', 'orders:migrate']);
  expect(badStep.code).toBe(3);
  expect(badStep.stderr).toContain('step must be one of deploy, probe, rollback, current');
});

test('a deploy failure rolls back only what was touched, newest first', async () => {
  const report = await rehearse([['payments', 'deploy']]);
  expect(report.status).toBe('RolledBack');
  expect(report.firstError).toMatchObject({ service: 'payments', step: 'deploy' });
  expect(report.compensationOrder).toEqual(['payments', 'notifications', 'db-schema']);
  // payments' failed deploy left its version unchanged; its rollback still runs (it may have half-applied)
  const payments = report.services.find((s) => s.name === 'payments')!;
  expect(payments.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['current:ok', 'deploy:failed', 'rollback:ok', 'verify:ok']);
  expect(report.services.find((s) => s.name === 'orders')!.status).toBe('Skipped');
});

test('a probe failure at the last service compensates all four, dependents first', async () => {
  const report = await rehearse([['orders', 'probe']]);
  expect(report.status).toBe('RolledBack');
  expect(report.compensationOrder).toEqual(['orders', 'payments', 'notifications', 'db-schema']);
  const t = rehearsalTimeline(report);
  expect(startOf(t, 'rollback', 'payments')).toBeGreaterThanOrEqual(startOf(t, 'rollback', 'orders') + 100);
  expect(startOf(t, 'rollback', 'db-schema')).toBeGreaterThanOrEqual(startOf(t, 'rollback', 'payments') + 100);
  expect(t.filter((e) => e.step === 'verify').map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
});

test('a rollback failure ends RollbackFailed naming the service; the others still roll back', async () => {
  const report = await rehearse([['orders', 'probe'], ['payments', 'rollback']]);
  expect(report.status).toBe('RollbackFailed');
  expect(report.rollbackFailures.map((f) => `${f.service}:${f.step}`)).toEqual(['payments:rollback']);
  expect(report.services.find((s) => s.name === 'db-schema')!.status).toBe('RolledBack');
});

test('a failure to read the current version touches nothing: Rejected', async () => {
  const report = await rehearse([['db-schema', 'current'], ['notifications', 'current']]);
  expect(report.status).toBe('Rejected');
  expect(report.compensationOrder).toEqual([]);
});

test('rehearsal also works on a benchmark-sized graph', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-rehearse-'));
  const services = Array.from({ length: 60 }, (_, i) => ({
    name: `s${i}`,
    version: '2',
    dependsOn: i < 20 ? [] : [`s${i - 20}`],
    target: { kind: 'command', deploy: ['./never-run.sh'], current: ['./never-run.sh'] },
    health: { tcp: { port: 9 } },
  }));
  const file = join(dir, 'wide.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'lockstep/v1', kind: 'Release', metadata: { environment: 'bench' }, spec: { maxParallel: 60, services } }));
  const report = await runRehearsal(loadManifest(file), { latencyMs: 50, probeLatencyMs: 10, jitter: 0.2, failures: [{ service: 's59', step: 'deploy' }] }, logger);
  expect(report.status).toBe('RolledBack');
  const touched = report.services.filter((s) => s.status !== 'Skipped').map((s) => s.name);
  expect(touched.length).toBeGreaterThanOrEqual(41); // at least the first two layers and s59
  expect([...report.compensationOrder].sort()).toEqual([...touched].sort());
  // every dependent's compensation started before its dependency's
  const position = new Map(report.compensationOrder.map((name, i) => [name, i]));
  for (const s of report.services) {
    for (const dep of s.dependsOn) {
      if (position.has(s.name)) expect(position.get(s.name)!).toBeLessThan(position.get(dep)!);
    }
  }
});

test('checks are rehearsed too: --fail check:<name> fails it, the rollback follows and the check passes after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-rehearse-checks-'));
  const file = join(dir, 'checks.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: lockstep/v1',
      'kind: Release',
      'metadata: { id: rehearse-checks, environment: staging }',
      'spec:',
      '  services:',
      '    - { name: payments, version: 2.0.0, target: { kind: command, deploy: [./deploy.sh], current: [./current.sh] } }',
      '    - { name: orders, version: 2.0.0, dependsOn: [payments], target: { kind: command, deploy: [./deploy.sh], current: [./current.sh] } }',
      '  checks:',
      '    - { name: payments-contract, kind: command, when: { after: [payments] }, run: [./pact.sh] }',
      '    - { name: checkout-flow, kind: command, run: [./flow.sh], alsoAfterRollback: true }',
      '    - { name: restored, kind: command, run: [./restored.sh], when: afterRollback }',
    ].join('\n'),
  );
  const ok = await runCli(['rehearse', file, '--latency', '50ms', '--json']);
  expect(ok.code).toBe(0);
  const okReport = JSON.parse(ok.stdout).report as ReleaseReport;
  expect(okReport.checks!.map((c) => `${c.name}:${c.status}`)).toEqual(['payments-contract:passed', 'checkout-flow:passed', 'restored:skipped']);

  const failed = await runCli(['rehearse', file, '--latency', '50ms', '--fail', 'check:checkout-flow']);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain('injected failures: check:checkout-flow');
  expect(failed.stdout).toMatch(/check\s+checkout-flow final\s+FAILED/);
  expect(failed.stdout).toMatch(/check\s+checkout-flow afterRollback\n/);
  expect(failed.stdout).toContain('first failure: check checkout-flow: check "checkout-flow" failed: injected failure');
  expect(failed.stdout).toContain('compensation order: orders -> payments');

  // an afterRollback check fails where it runs: the rollback is not shown good, RollbackFailed (exit 2)
  const restoredFails = await runCli(['rehearse', file, '--latency', '50ms', '--fail', 'orders:deploy', '--fail', 'check:restored']);
  expect(restoredFails.code).toBe(2);
  expect(restoredFails.stdout).toContain('outcome: RollbackFailed');
  expect(restoredFails.stdout).toContain('rollback would FAIL for check restored: check "restored" failed after the rollback: injected failure');

  const unknown = await runCli(['rehearse', file, '--fail', 'check:smoke']);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain('--fail check:smoke: no check "smoke" in the manifest (checks: payments-contract, checkout-flow, restored)');
});
