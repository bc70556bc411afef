/** The saga's other pure pieces: compensation stack, approval gates, live report, step failures, patches. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { Manifest } from '../../src/manifest/schema';
import { ApprovalGates } from '../../workflows/approvalGates';
import { CompensationStack } from '../../workflows/compensationStack';
import { LiveReport } from '../../workflows/liveReport';
import { PATCHES } from '../../workflows/patches';
import { describeStepFailure } from '../../workflows/stepFailure';

const manifest = Manifest.parse({
  apiVersion: 'lockstep/v1',
  kind: 'Release',
  metadata: { environment: 'staging' },
  spec: {
    services: [
      { name: 'payments', version: '2.0.0', target: { kind: 'simulated' } },
      { name: 'orders', version: '5.0.0', dependsOn: ['payments'], target: { kind: 'simulated' } },
    ],
    gates: [{ name: 'prod-ok', before: ['orders'], approvers: ['alice'], timeout: '10m' }],
  },
});
const t0 = new Date('2026-12-02T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

test('the compensation stack unwinds newest first', () => {
  const stack = new CompensationStack();
  stack.push({ service: 'db', restoreVersion: '1', deployedVersion: '2' });
  stack.push({ service: 'payments', restoreVersion: '', deployedVersion: '2' });
  expect(stack.size).toBe(2);
  expect(stack.unwindOrder().map((e) => e.service)).toEqual(['payments', 'db']);
});

test('approval gates: open, refused for someone not listed (recorded), approved, then refused as already approved', () => {
  const report = new LiveReport(manifest, { releaseId: 'r', workflowId: 'release/staging/r' }, t0);
  const gates = new ApprovalGates(manifest.spec.gates, report, () => true);
  expect(gates.blockingGates('orders').map((g) => g.name)).toEqual(['prod-ok']);
  expect(gates.blockingGates('payments')).toEqual([]);
  expect(gates.open('prod-ok')).toBe(600_000);
  expect(gates.anyOpen()).toBe(true);
  expect(gates.approve({ gate: 'prod-ok', by: 'mallory' }, at(1))).toEqual({
    accepted: false,
    message: '"mallory" may not approve gate "prod-ok" (approvers: alice)',
  });
  expect(gates.approve({ gate: 'prod-ok', by: '' }, at(2)).accepted).toBe(false);
  expect(gates.approve({ gate: 'prod-ok', by: 'alice' }, at(3))).toEqual({ accepted: true, message: 'gate "prod-ok" approved by alice' });
  expect(() => gates.validateApproval({ gate: 'prod-ok', by: 'alice' })).toThrow('gate "prod-ok" was already approved by alice');
  expect(() => gates.validateApproval({ gate: 'nope', by: 'alice' })).toThrow('unknown gate "nope"');
  expect(gates.blockingGates('orders')).toEqual([]);
  expect(gates.expire('prod-ok')).toBe(false);
  expect(report.data.gates[0]!.refusals.map((r) => r.by)).toEqual(['mallory', '']);
});

test('a gate that times out refuses later approvals with the reason', () => {
  const report = new LiveReport(manifest, { releaseId: 'r', workflowId: 'w' }, t0);
  const gates = new ApprovalGates(manifest.spec.gates, report, () => true);
  gates.open('prod-ok');
  expect(gates.expire('prod-ok')).toBe(true);
  expect(() => gates.validateApproval({ gate: 'prod-ok', by: 'alice' })).toThrow('gate "prod-ok" timed out; the release is rolling back');
});

test('the live report: steps with durations, the first error kept, totals at the end', () => {
  const report = new LiveReport(manifest, { releaseId: 'r', workflowId: 'w' }, t0);
  const step = report.beginStep('payments', 'deploy', at(1), '2.0.0');
  report.endStep(step, at(4), 'ok', { attempts: 1 });
  report.setServiceStatus('payments', 'Succeeded');
  report.recordFirstError({ step: 'gate', gate: 'prod-ok', message: 'first' });
  report.recordFirstError({ service: 'orders', step: 'deploy', message: 'second' });
  report.finish('RolledBack', at(10), at(6));
  expect(report.data.services[0]!.steps[0]).toMatchObject({ step: 'deploy', outcome: 'ok', durationMs: 3000, version: '2.0.0' });
  expect(report.data.firstError).toEqual({ step: 'gate', gate: 'prod-ok', message: 'first' });
  expect(report.data.totals).toEqual({ durationMs: 10_000, rollbackMs: 4000, deployed: 1, rolledBack: 0 });
});

test('step failures read into report text: application failure with tails, timeout, cancellation', () => {
  const app = new ActivityFailure('activity failed', 'deployVersion', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, undefined,
    ApplicationFailure.create({ message: 'deploy of payments 2.0.0 failed: exit code 1: boom', details: [{ attempt: 3, stdoutTail: 'out', stderrTail: 'boom' }] }));
  expect(describeStepFailure(app)).toEqual({ message: 'deploy of payments 2.0.0 failed: exit code 1: boom', attempts: 3, stdoutTail: 'out', stderrTail: 'boom', cancelled: false });
  const timeout = new ActivityFailure('activity failed', 'probeHealth', '2', RetryState.TIMEOUT, undefined, new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE));
  expect(describeStepFailure(timeout)).toMatchObject({ message: 'step timed out (start-to-close)', cancelled: false });
  expect(describeStepFailure(new CancelledFailure('cancelled'))).toEqual({ message: 'cancelled', cancelled: true });
});

test('the patches registry: every patch the workflows call is registered once, and its histories exist', () => {
  const ids = Object.values(PATCHES).map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  const workflowsDir = join(__dirname, '..', '..', 'workflows');
  const sources = readdirSync(workflowsDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && f !== 'patches.ts')
    .map((f) => readFileSync(join(workflowsDir, f), 'utf8'))
    .join('\n');
  expect(sources).not.toMatch(/patched\(\s*['"]/); // patch ids come from the registry, never as literals
  const histories = readdirSync(join(__dirname, '..', 'histories'));
  const matches = (pattern: string) => histories.filter((h) => new RegExp(`^${pattern.replace('.', '\\.').replace('*', '.*')}$`).test(h));
  for (const patch of Object.values(PATCHES)) {
    for (const pattern of [...patch.histories.before, ...patch.histories.after]) {
      expect({ patch: patch.id, pattern, found: matches(pattern).length > 0 }).toEqual({ patch: patch.id, pattern, found: true });
    }
  }
});
