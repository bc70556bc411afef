/** `spec.checks` in the manifest: defaults, the moment of each kind, and every bad input named exactly. */
import { parseManifestText, ManifestError } from '../../src/manifest/loadManifest';
import { checkMoment } from '../../src/checks/checkKinds';
import { placeChecks } from '../../src/plan/checkPlacement';

const manifest = (checks: string) => `apiVersion: lockstep/v1
kind: Release
metadata: { id: r1, environment: staging }
spec:
  services:
    - { name: payments, version: 2.0.0, target: { kind: simulated } }
    - { name: orders, version: 2.0.0, dependsOn: [payments], target: { kind: simulated } }
    - { name: web, version: 2.0.0, dependsOn: [orders], target: { kind: simulated } }
  checks:
${checks}`;

function problems(checks: string): string[] {
  try {
    parseManifestText(manifest(checks), '/tmp/m.yaml');
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  throw new Error('expected the manifest to be rejected');
}

test('a check gets its defaults: final, 1m per run, 10s between bake rounds, not after a rollback', () => {
  const { manifest: m } = parseManifestText(manifest('    - { name: smoke, kind: command, run: [./smoke.sh] }'), '/tmp/m.yaml');
  const check = m.spec.checks[0]!;
  expect(check).toMatchObject({ name: 'smoke', kind: 'command', timeout: '1m', interval: '10s', alsoAfterRollback: false });
  expect(checkMoment(check)).toBe('final');
});

test('plan places an after check and names every service that waits for it, directly or not', () => {
  const { manifest: m } = parseManifestText(manifest('    - { name: contract, kind: command, run: [./c.sh], when: { after: [payments] } }'), '/tmp/m.yaml');
  expect(placeChecks(m)).toEqual([
    { name: 'contract', kind: 'command', alsoAfterRollback: false, moment: 'after', after: ['payments'], holds: ['orders', 'web'], description: 'after payments; orders, web wait for it' },
  ]);
});

test.each([
  ['    - { name: smoke, kind: smok, run: [x] }', 'spec.checks[0].kind: "smok" is not a check kind: use one of command, pact, simulated, prometheus, synthetic, schema'],
  ['    - { name: smoke, run: [x] }', 'spec.checks[0].kind: a check needs a kind: use one of command, pact, simulated, prometheus, synthetic, schema'],
  ['    - { name: flow, kind: command, run: [x], when: { after: [billing] } }', 'spec.checks[0].when.after[0]: "billing" is not a service of this release (services: payments, orders, web)'],
  ['    - { name: flow, kind: command, run: [x], when: { after: [] } }', 'spec.checks[0].when.after: must name at least one service'],
  ['    - { name: flow, kind: command, run: [x], when: finally }', 'spec.checks[0].when: must be preflight, final, afterRollback or { after: [service, ...] }'],
  ['    - { name: soak, kind: command, run: [x], when: preflight, bake: 5m }', 'spec.checks[0].bake: a bake needs when: final (this check runs preflight)'],
  ['    - { name: soak, kind: command, run: [x], when: { after: [orders] }, bake: 5m }', 'spec.checks[0].bake: a bake needs when: final (this check runs after services)'],
  ['    - { name: soak, kind: command, run: [x], bake: soon }', 'spec.checks[0].bake: "soon" is not a duration; write it as "500ms", "30s", "5m" or "1h"'],
  ['    - { name: a, kind: command, run: [x] }\n    - { name: a, kind: command, run: [y] }', 'spec.checks[1].name: duplicate check name "a"'],
  ['    - { name: Smoke, kind: command, run: [x] }', 'spec.checks[0].name: must be lowercase letters, digits and dashes, e.g. "checkout-flow"'],
  ['    - { name: smoke, kind: command }', 'spec.checks[0].run: is required'],
  ['    - { name: smoke, kind: command, run: "./smoke.sh --all" }', 'spec.checks[0].run: must be a list of arguments (argv), e.g. ["./deploy.sh", "payments"]; a shell string is not accepted'],
  ['    - { name: back, kind: command, run: [x], when: afterRollback, alsoAfterRollback: true }', 'spec.checks[0].alsoAfterRollback: is implied by when: afterRollback'],
  ['    - { name: smoke, kind: command, run: [x], retries: 3 }', 'spec.checks[0]: unknown key "retries"'],
])('%s is refused: %s', (checks, message) => {
  expect(problems(checks)).toContain(message);
});

test.each([
  ['{ kind: email, url: "http://x" }', 'spec.notify[0].kind: "email" is not a notification kind: use one of webhook, slack'],
  ['{ kind: webhook, url: "ftp://x" }', 'spec.notify[0].url: must be an http(s) URL'],
  ['{ kind: slack, url: "http://x", on: [Deployed] }', 'spec.notify[0].on[0]: must be one of Succeeded, RolledBack, RollbackFailed, Rejected, AwaitingApproval, AwaitingDecision'],
  ['{ kind: slack, url: "http://x", on: [] }', 'spec.notify[0].on: must name at least one event'],
])('notify %s is refused: %s', (entry, message) => {
  const text = manifest('    - { name: smoke, kind: command, run: [x] }').replace('  checks:\n', `  notify:\n    - ${entry}\n  checks:\n`);
  let found: string[] = [];
  try {
    parseManifestText(text, '/tmp/m.yaml');
  } catch (err) {
    if (err instanceof ManifestError) found = err.problems;
  }
  expect(found).toContain(message);
});
