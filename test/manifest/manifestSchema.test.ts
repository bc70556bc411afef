/** The manifest schema and the plan: valid input planned, invalid input named by field path. */
import { parseManifestText, ManifestError } from '../../src/manifest/loadManifest';
import { planRelease } from '../../src/plan/planRelease';
import { parseDuration } from '../../src/manifest/duration';
import { servicesSearchValue } from '../../src/temporal/searchAttributes';

const base = (services: string, extra = '') => `apiVersion: lockstep/v1
kind: Release
metadata: { id: r1, environment: staging }
spec:
${extra}  services:
${services}`;

const svc = (name: string, deps: string[] = []) => `    - name: ${name}
      version: "1.0.0"
      dependsOn: [${deps.join(', ')}]
      target: { kind: command, deploy: ["./d.sh"], current: ["./c.sh"] }
`;

function problems(text: string): string[] {
  try {
    parseManifestText(text, '/tmp/m.yaml');
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  throw new Error('expected the manifest to be rejected');
}

test('a valid manifest gets its defaults and a plan with waves and the compensation order', () => {
  const loaded = parseManifestText(base(svc('web', ['api']) + svc('db') + svc('api', ['db']) + svc('mail')), '/srv/m.yaml');
  expect(loaded.manifest.spec.maxParallel).toBe(10);
  expect(loaded.manifest.spec.services[0]!.target).toMatchObject({ timeout: '5m' });
  expect(loaded.input.spec.services[0]!.target).toMatchObject({ cwd: '/srv' });
  const plan = planRelease(loaded.manifest);
  expect(plan.waves).toEqual([['db', 'mail'], ['api'], ['web']]);
  expect(plan.compensationOrder).toEqual(['web', 'api', 'mail', 'db']);
  expect(plan.dependents.db).toEqual(['api']);
});

test.each([
  ['duplicate names', base(svc('a') + svc('a')), 'spec.services[1].name: duplicate service name "a"'],
  ['unknown dependency', base(svc('a', ['nope'])), 'spec.services[0].dependsOn[0]: unknown service "nope"'],
  ['self dependency', base(svc('a', ['a'])), 'spec.services[0].dependsOn[0]: "a" depends on itself'],
  ['a cycle, named', base(svc('a', ['c']) + svc('b', ['a']) + svc('c', ['b'])), 'dependency cycle: a -> c -> b -> a'],
  ['unknown key', base(svc('a')).replace('kind: Release', 'kind: Release\nextra: 1'), '(manifest): unknown key "extra"'],
  ['wrong apiVersion', base(svc('a')).replace('lockstep/v1', 'lockstep/v2'), 'apiVersion: must be "lockstep/v1"'],
  ['argv as a string', base(svc('a')).replace('deploy: ["./d.sh"]', 'deploy: "./d.sh payments"'), 'spec.services[0].target.deploy: must be a list of arguments'],
  ['bad duration', base(svc('a'), '  maxParallel: 2\n').replace('current: ["./c.sh"]', 'current: ["./c.sh"], timeout: "5 minutes"'), 'spec.services[0].target.timeout: "5 minutes" is not a duration'],
  ['empty service list', base('    []\n').replace('services:\n    []', 'services: []'), 'spec.services: must list at least one service'],
  ['two probes in one health block', base(svc('a').replace('target:', 'health: { tcp: { port: 1 }, command: ["x"] }\n      target:')), 'spec.services[0].health: needs exactly one probe, found command and tcp'],
  ['unknown target kind', base(svc('a')).replace('kind: command', 'kind: ftp'), 'spec.services[0].target'],
  ['missing environment', base(svc('a')).replace(', environment: staging', ''), 'metadata.environment'],
  ['gate before an unknown service', base(svc('a'), '  gates: [{ name: g, before: [zz] }]\n'), 'spec.gates[0].before[0]: unknown service "zz"'],
  ['not YAML', 'apiVersion: [unclosed', 'not valid YAML'],
])('%s is rejected with its field path', (_what, text, expected) => {
  expect(problems(text).join('\n')).toContain(expected);
});

test('durations', () => {
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('1m30s')).toBe(90_000);
  expect(parseDuration('5 m')).toBeUndefined();
  expect(parseDuration('')).toBeUndefined();
});

test('the services search attribute keeps within Temporal\'s value size limit', () => {
  const names = Array.from({ length: 500 }, (_, i) => `service-number-${i}`);
  const kept = servicesSearchValue(names);
  expect(JSON.stringify(kept).length).toBeLessThanOrEqual(2000);
  expect(kept.length).toBeGreaterThan(50);
  expect(kept).toEqual(names.slice(0, kept.length));
  expect(servicesSearchValue(['a', 'b'])).toEqual(['a', 'b']);
});
