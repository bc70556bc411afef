/** The `schema` check's manifest block, validated through the manifest's schema: defaults and exact messages. */
import { checkMoment } from '../../src/checks/checkKinds';
import { Manifest } from '../../src/manifest/schema';
import { validManifest } from '../support/validManifest';

function parse(block: Record<string, unknown>) {
  const manifest = validManifest();
  manifest.spec.checks = [{ name: 'orders-events', kind: 'schema', format: 'avro', subject: 'orders-events', schema: './v2.avsc', ...block }];
  return Manifest.safeParse(manifest);
}

function problems(block: Record<string, unknown>): string[] {
  const result = parse(block);
  if (result.success) throw new Error('expected the manifest to be rejected');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

test('a block with previous gets its defaults: BACKWARD, no registration, run in preflight', () => {
  const result = parse({ previous: './v1.avsc' });
  expect(result.success).toBe(true);
  const check = result.data!.spec.checks[0]!;
  expect(check).toMatchObject({ kind: 'schema', compatibility: 'BACKWARD', register: false, previous: './v1.avsc' });
  expect(checkMoment(check)).toBe('preflight');
});

test('a registry block with register, transitive mode, producers and consumers of the manifest', () => {
  const result = parse({
    registry: { url: 'http://127.0.0.1:8081/apis/ccompat/v7' },
    register: true,
    compatibility: 'FULL_TRANSITIVE',
    producers: ['api'],
    consumers: ['db'],
  });
  expect(result.error?.issues).toBeUndefined();
  expect(result.data!.spec.checks[0]).toMatchObject({ registry: { url: 'http://127.0.0.1:8081/apis/ccompat/v7' }, register: true });
});

test('a list of previous files, oldest first, with a _TRANSITIVE mode', () => {
  expect(parse({ previous: ['./v0.avsc', './v1.avsc'], compatibility: 'BACKWARD_TRANSITIVE' }).success).toBe(true);
});

test('exactly one of previous or registry', () => {
  expect(problems({})).toEqual(['spec.checks.0: needs exactly one of previous (the schema file(s) it replaces) or registry: { url }']);
  expect(problems({ previous: './v1.avsc', registry: { url: 'http://127.0.0.1:8081' } })).toEqual([
    'spec.checks.0.registry: needs exactly one of previous (the schema file(s) it replaces) or registry: { url }',
  ]);
});

test('register needs a registry', () => {
  expect(problems({ previous: './v1.avsc', register: true })).toEqual(['spec.checks.0.register: needs registry: { url } (there is nowhere to register to)']);
});

test('several previous files need a _TRANSITIVE mode', () => {
  expect(problems({ previous: ['./v0.avsc', './v1.avsc'] })).toEqual([
    'spec.checks.0.previous: lists 2 files but BACKWARD compares with the latest only: give one file, or use BACKWARD_TRANSITIVE',
  ]);
  expect(problems({ previous: ['./v0.avsc', './v1.avsc'], compatibility: 'NONE' })).toEqual(['spec.checks.0.previous: lists 2 files but NONE compares with none: give one file']);
});

test('unknown format and compatibility, a non-http registry, empty fields', () => {
  expect(problems({ format: 'xml', previous: './v1.avsc', compatibility: 'SIDEWAYS' })).toEqual([
    'spec.checks.0.format: must be one of avro, jsonschema, protobuf',
    'spec.checks.0.compatibility: must be one of BACKWARD, FORWARD, FULL, NONE, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE',
  ]);
  expect(problems({ registry: { url: 'ftp://registry' } })).toEqual(['spec.checks.0.registry.url: must be an http(s) URL']);
  expect(problems({ subject: '', schema: '', previous: 7 })).toEqual([
    'spec.checks.0.subject: must name the registry subject, e.g. "orders-events"',
    'spec.checks.0.schema: must be a file path (relative to the manifest)',
    'spec.checks.0.previous: must be a file path or a list of file paths (oldest first)',
  ]);
  expect(problems({ registry: { url: 'http://x', auth: 'y' } })).toEqual([
    'spec.checks.0.registry: Unrecognized key: "auth"',
  ]);
});

test('producers and consumers must be services of the manifest', () => {
  expect(problems({ previous: './v1.avsc', producers: ['api', 'nobody'], consumers: [] })).toEqual([
    'spec.checks.0.consumers: must name at least one service',
    'spec.checks.0.producers.1: "nobody" is not a service of this release (services: db, api)',
  ]);
});
