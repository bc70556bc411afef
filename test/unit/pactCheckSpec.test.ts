/** The `pact` check's manifest block: its defaults, its default moment, and each mistake named at its field. */
import { checkMoment } from '../../src/checks/checkKinds';
import { Manifest } from '../../src/manifest/schema';

const manifest = (check: Record<string, unknown>) => ({
  apiVersion: 'lockstep/v1',
  kind: 'Release',
  metadata: { environment: 'staging' },
  spec: {
    services: [
      { name: 'payments', version: '2.5.0', target: { kind: 'simulated' } },
      { name: 'billing', version: '1.4.0', dependsOn: ['payments'], target: { kind: 'simulated' } },
    ],
    checks: [{ name: 'payments-pacts', kind: 'pact', provider: 'payments', providerBaseUrl: 'http://127.0.0.1:7312', pacts: './pacts', ...check }],
  },
});

/** Each problem as `path: message`. */
function problems(check: Record<string, unknown>): string[] {
  const parsed = Manifest.safeParse(manifest(check));
  if (parsed.success) throw new Error('expected the manifest to be rejected');
  return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

test('a pact block gets the base defaults and runs after its provider', () => {
  const parsed = Manifest.parse(manifest({ providerStatesSetupUrl: 'http://127.0.0.1:7312/_pact/state' }));
  const check = parsed.spec.checks[0]!;
  expect(check).toEqual({
    name: 'payments-pacts',
    kind: 'pact',
    provider: 'payments',
    providerBaseUrl: 'http://127.0.0.1:7312',
    pacts: './pacts',
    providerStatesSetupUrl: 'http://127.0.0.1:7312/_pact/state',
    interval: '10s',
    timeout: '1m',
    alsoAfterRollback: false,
  });
  expect(checkMoment(check)).toEqual({ after: ['payments'] });
  expect(checkMoment({ ...check, when: 'final' })).toBe('final');
});

test.each([
  ['a provider that is not a service', { provider: 'ledger' }, [
    'spec.checks.0.when.after.0: "ledger" is not a service of this release (services: payments, billing)',
    'spec.checks.0.provider: "ledger" is not a service of this release (services: payments, billing)',
  ]],
  ['no provider', { provider: undefined }, ['spec.checks.0.provider: is required']],
  ['an empty provider', { provider: '' }, [
    'spec.checks.0.provider: must be the name of a service',
    'spec.checks.0.when.after.0: "" is not a service of this release (services: payments, billing)',
    'spec.checks.0.provider: "" is not a service of this release (services: payments, billing)',
  ]],
  ['no providerBaseUrl', { providerBaseUrl: undefined }, ['spec.checks.0.providerBaseUrl: is required']],
  ['a providerBaseUrl that is not http(s)', { providerBaseUrl: 'ftp://127.0.0.1:7312' }, [
    'spec.checks.0.providerBaseUrl: must be an http(s) URL, e.g. "http://127.0.0.1:7312"',
  ]],
  ['a providerBaseUrl that is not a URL', { providerBaseUrl: 'payments:7312' }, [
    'spec.checks.0.providerBaseUrl: must be an http(s) URL, e.g. "http://127.0.0.1:7312"',
  ]],
  ['no pacts directory', { pacts: undefined }, ['spec.checks.0.pacts: is required']],
  ['an empty pacts directory', { pacts: '' }, ['spec.checks.0.pacts: must be a directory, e.g. "./pacts"']],
  ['a providerStatesSetupUrl that is not a URL', { providerStatesSetupUrl: '/_pact/state' }, [
    'spec.checks.0.providerStatesSetupUrl: must be an http(s) URL, e.g. "http://127.0.0.1:7312/_pact/state"',
  ]],
  ['a bake on the default moment', { bake: '1m' }, ['spec.checks.0.bake: a bake needs when: final (this check runs after services)']],
  ['an unknown key', { stateHandlers: {} }, ['spec.checks.0: Unrecognized key: "stateHandlers"']],
])('%s is rejected with its message', (_what, check, expected) => {
  expect(problems(check)).toEqual(expected);
});
