/** The short forms `list` and `history` print, and the capped versions memo a release starts with. */
import { versionsMemo } from '../../src/release/releaseMemo';
import { durationText, releaseLine, shortError, versionsText } from '../../src/cli/releaseLine';
import type { ListedRelease } from '../../src/cli/listedRelease';

const base: ListedRelease = {
  workflowId: 'release/prod/r1',
  status: 'RolledBack',
  startTime: '2026-12-02T10:00:00.000Z',
  closeTime: '2026-12-02T10:01:30.000Z',
  durationMs: 90_000,
  running: false,
  services: ['payments', 'orders'],
};

test('versions: all of a few, "and N more" past them (counting those not recorded); names alone without a memo', () => {
  expect(versionsText({ ...base, versions: { payments: '2.0.0', orders: '5.1.0' } })).toBe('payments@2.0.0, orders@5.1.0');
  const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, '1.0.0']));
  expect(versionsText({ ...base, versions: ten, versionsLeftOut: 5 })).toBe('s0@1.0.0, s1@1.0.0, s2@1.0.0 and 12 more');
  expect(versionsText({ ...base, versions: { a: '1', b: '1', c: '1', d: '1' } })).toBe('a@1, b@1, c@1, d@1');
  expect(versionsText(base)).toBe('payments, orders');
});

test('duration, running or closed; the first error on one short line', () => {
  expect(durationText(base)).toBe('1m30s');
  expect(durationText({ ...base, running: true, durationMs: 180_000 })).toBe('running 3m');
  expect(shortError('orders probe:\n  connection refused')).toBe('orders probe: connection refused');
  expect(shortError('x'.repeat(300))).toHaveLength(100);
  expect(releaseLine({ ...base, versions: { payments: '2.0.0' }, firstError: 'payments deploy: exit 1' })).toBe(
    '2026-12-02T10:00:00.000Z  RolledBack       release/prod/r1  1m30s  (payments@2.0.0)  first error: payments deploy: exit 1',
  );
});

test('the versions memo keeps the services that fit and counts the rest', () => {
  expect(versionsMemo([{ name: 'payments', version: '2.0.0' }])).toEqual({ versions: { payments: '2.0.0' } });
  const many = Array.from({ length: 5000 }, (_, i) => ({ name: `service-${i}`, version: '10.20.30' }));
  const memo = versionsMemo(many);
  const kept = Object.keys(memo.versions ?? {}).length;
  expect(kept).toBeGreaterThan(100);
  expect(kept + memo.versionsLeftOut!).toBe(5000);
  expect(JSON.stringify(memo.versions).length).toBeLessThanOrEqual(8000);
});
