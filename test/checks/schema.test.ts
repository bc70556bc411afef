/**
 * The `schema` check: Avro (avsc), JSON Schema (json-schema-diff) and Protobuf (buf) against
 * previous files, the deploy-order rule, malformed and missing files; and against a REAL Apicurio
 * Registry 3.3.3 (its Confluent-compatible API): its verdict, registration and its compensation,
 * an unreachable registry.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { CheckContext, CheckOutcome } from '../../src/checks/check';
import { createCheck } from '../../src/checks/createCheck';
import { deleteRegisteredSchema, registerSchema } from '../../src/checks/schema/schemaRegistration';
import { SchemaCheck } from '../../src/checks/schema/spec';
import { startApicurio, type RunningApicurio } from '../support/apicurio';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-schema-test-'));
const file = (name: string, content: unknown): string => {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return name;
};

const record = (fields: object[]) => ({ type: 'record', name: 'OrderPlaced', namespace: 'shop', fields });
const ID = { name: 'id', type: 'string' };
file('v1.avsc', record([ID]));
file('v2-default.avsc', record([ID, { name: 'amount', type: 'long', default: 0 }]));
file('v2-nodefault.avsc', record([ID, { name: 'amount', type: 'long' }]));
file('v1-note.avsc', record([ID, { name: 'note', type: 'string' }]));
file('bad-type.avsc', record([{ name: 'id', type: 'strin' }]));
file('not-json.avsc', '{"type": "record",');

const closed = (properties: object, required = ['id']) => ({ type: 'object', properties, required, additionalProperties: false });
file('v1.json', closed({ id: { type: 'string' } }));
file('v2-note.json', closed({ id: { type: 'string' }, note: { type: 'string' } }));
file('v2-number.json', closed({ id: { type: 'number' } }));
file('bad-type.json', { type: 'strng' });

const proto = (body: string) => `syntax = "proto3";\npackage shop;\nmessage OrderPlaced {\n${body}}\n`;
file('v1.proto', proto('  string id = 1;\n  int64 amount = 2;\n'));
file('v2-field.proto', proto('  string id = 1;\n  int64 amount = 2;\n  string note = 3;\n'));
file('v2-type.proto', proto('  string id = 1;\n  string amount = 2;\n'));
file('bad.proto', proto('  string id = 1\n'));

/** producers dependsOn consumers: orders (producer) after billing (consumer), through ledger. */
const SERVICES = [
  { name: 'billing', dependsOn: [] },
  { name: 'ledger', dependsOn: ['billing'] },
  { name: 'orders', dependsOn: ['ledger'] },
  { name: 'audit', dependsOn: [] },
];

function context(): CheckContext {
  return {
    releaseId: 'r1',
    environment: 'staging',
    check: 'orders-events',
    moment: 'preflight',
    run: 1,
    baseDir: dir,
    versions: {},
    services: SERVICES,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
    logger: pino({ level: 'silent' }),
  };
}

function check(block: Record<string, unknown>): SchemaCheck {
  return SchemaCheck.parse({ name: 'orders-events', kind: 'schema', subject: 'orders-events', format: 'avro', ...block });
}

const run = (block: Record<string, unknown>): Promise<CheckOutcome> => createCheck(check(block)).run(context());
const messages = (outcome: CheckOutcome) => outcome.findings.map((f) => `${f.status} ${f.item}: ${f.message}`);

describe('Avro (avsc) against previous files', () => {
  test('a new field with a default is BACKWARD compatible', async () => {
    const outcome = await run({ schema: 'v2-default.avsc', previous: 'v1.avsc' });
    expect(outcome.status).toBe('passed');
    expect(messages(outcome)).toEqual(['passed v2-default.avsc against v1.avsc: BACKWARD compatible']);
  });

  test('a new field without a default is not: avsc says which', async () => {
    const outcome = await run({ schema: 'v2-nodefault.avsc', previous: 'v1.avsc' });
    expect(outcome.status).toBe('failed');
    expect(messages(outcome)).toEqual([
      'failed v2-nodefault.avsc against v1.avsc: not BACKWARD compatible: BACKWARD: the new schema cannot read data written with the old one: no matching field for default-less shop.OrderPlaced.amount',
    ]);
    expect(outcome.summary).toBe(
      '1 of 1 checks of orders-events failed: v2-nodefault.avsc against v1.avsc: not BACKWARD compatible: BACKWARD: the new schema cannot read data written with the old one: no matching field for default-less shop.OrderPlaced.amount',
    );
  });

  test('FORWARD: dropping a default-less field breaks old readers; adding one does not', async () => {
    expect(messages(await run({ schema: 'v1.avsc', previous: 'v1-note.avsc', compatibility: 'FORWARD' }))).toEqual([
      'failed v1.avsc against v1-note.avsc: not FORWARD compatible: FORWARD: the old schema cannot read data written with the new one: no matching field for default-less shop.OrderPlaced.note',
    ]);
    expect((await run({ schema: 'v2-nodefault.avsc', previous: 'v1.avsc', compatibility: 'FORWARD' })).status).toBe('passed');
  });

  test('FULL needs both directions', async () => {
    expect((await run({ schema: 'v2-default.avsc', previous: 'v1.avsc', compatibility: 'FULL' })).status).toBe('passed');
    expect(messages(await run({ schema: 'v2-nodefault.avsc', previous: 'v1.avsc', compatibility: 'FULL' }))).toEqual([
      'failed v2-nodefault.avsc against v1.avsc: not FULL compatible: BACKWARD: the new schema cannot read data written with the old one: no matching field for default-less shop.OrderPlaced.amount',
    ]);
  });

  test('BACKWARD compares with the latest only; BACKWARD_TRANSITIVE with every earlier file', async () => {
    // v2-nodefault reads v2-default's data (it has amount) but not v1's
    expect((await run({ schema: 'v2-nodefault.avsc', previous: 'v2-default.avsc' })).status).toBe('passed');
    const outcome = await run({ schema: 'v2-nodefault.avsc', previous: ['v1.avsc', 'v2-default.avsc'], compatibility: 'BACKWARD_TRANSITIVE' });
    expect(messages(outcome)).toEqual([
      'failed v2-nodefault.avsc against v1.avsc: not BACKWARD_TRANSITIVE compatible: BACKWARD: the new schema cannot read data written with the old one: no matching field for default-less shop.OrderPlaced.amount',
      'passed v2-nodefault.avsc against v2-default.avsc: BACKWARD_TRANSITIVE compatible',
    ]);
  });

  test('FORWARD_TRANSITIVE and FULL_TRANSITIVE check every earlier file too', async () => {
    const forward = await run({ schema: 'v1.avsc', previous: ['v1-note.avsc', 'v2-default.avsc'], compatibility: 'FORWARD_TRANSITIVE' });
    expect(forward.findings.map((f) => f.status)).toEqual(['failed', 'passed']);
    const full = await run({ schema: 'v2-default.avsc', previous: ['v1.avsc', 'v2-nodefault.avsc'], compatibility: 'FULL_TRANSITIVE' });
    expect(full.findings.map((f) => f.status)).toEqual(['passed', 'passed']);
  });

  test('NONE passes anything that parses', async () => {
    expect(messages(await run({ schema: 'v2-nodefault.avsc', previous: 'v1-note.avsc', compatibility: 'NONE' }))).toEqual([
      'passed v2-nodefault.avsc: compatibility NONE: not compared with earlier schemas',
    ]);
  });
});

describe('JSON Schema (json-schema-diff) against previous files', () => {
  test('an optional property added to a closed schema is BACKWARD compatible', async () => {
    expect(messages(await run({ format: 'jsonschema', schema: 'v2-note.json', previous: 'v1.json' }))).toEqual([
      'passed v2-note.json against v1.json: BACKWARD compatible',
    ]);
  });

  test('a changed type is not: the values the new schema rejects are shown', async () => {
    expect(messages(await run({ format: 'jsonschema', schema: 'v2-number.json', previous: 'v1.json' }))).toEqual([
      'failed v2-number.json against v1.json: not BACKWARD compatible: BACKWARD: the new schema rejects values the old one accepted: {"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"}},"required":["id"]}',
    ]);
  });

  test('FORWARD: an old closed schema rejects the new property', async () => {
    expect(messages(await run({ format: 'jsonschema', schema: 'v2-note.json', previous: 'v1.json', compatibility: 'FORWARD' }))).toEqual([
      'failed v2-note.json against v1.json: not FORWARD compatible: FORWARD: the old schema rejects values the new one accepts: {"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"},"note":{"type":"string"}},"required":["id","note"]}',
    ]);
  });

  test('BACKWARD_TRANSITIVE names the earlier file that breaks', async () => {
    const outcome = await run({ format: 'jsonschema', schema: 'v2-note.json', previous: ['v2-number.json', 'v1.json'], compatibility: 'BACKWARD_TRANSITIVE' });
    expect(outcome.findings.map((f) => `${f.status} ${f.item}`)).toEqual(['failed v2-note.json against v2-number.json', 'passed v2-note.json against v1.json']);
  });
});

describe('Protobuf (buf) against previous files', () => {
  test('a new field is BACKWARD and FORWARD compatible', async () => {
    expect(messages(await run({ format: 'protobuf', schema: 'v2-field.proto', previous: 'v1.proto', compatibility: 'FULL' }))).toEqual([
      'passed v2-field.proto against v1.proto: FULL compatible',
    ]);
  });

  test("a changed field type is not: buf's reason, with the user's file name", async () => {
    expect(messages(await run({ format: 'protobuf', schema: 'v2-type.proto', previous: 'v1.proto' }))).toEqual([
      'failed v2-type.proto against v1.proto: not BACKWARD compatible: BACKWARD: the new schema breaks data written with the old one: v2-type.proto:5:3:Field "2" with name "amount" on message "OrderPlaced" changed type from "int64" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.',
    ]);
  });

  test('a field deleted without reserving its number breaks BACKWARD (buf WIRE)', async () => {
    expect(messages(await run({ format: 'protobuf', schema: 'v1.proto', previous: 'v2-field.proto' }))).toEqual([
      'failed v1.proto against v2-field.proto: not BACKWARD compatible: BACKWARD: the new schema breaks data written with the old one: v1.proto:3:1:Previously present field "3" with name "note" on message "OrderPlaced" was deleted without reserving the number "3".',
    ]);
  });

  test('FULL_TRANSITIVE against every earlier file', async () => {
    const outcome = await run({ format: 'protobuf', schema: 'v2-field.proto', previous: ['v2-type.proto', 'v1.proto'], compatibility: 'FULL_TRANSITIVE' });
    expect(outcome.findings.map((f) => `${f.status} ${f.item}`)).toEqual(['failed v2-field.proto against v2-type.proto', 'passed v2-field.proto against v1.proto']);
  });
});

describe('malformed and missing files are failed findings', () => {
  test.each([
    ['avro', 'bad-type.avsc', 'v1.avsc', 'failed bad-type.avsc: bad-type.avsc is not an Avro schema: undefined type name: shop.strin'],
    ['avro', 'not-json.avsc', 'v1.avsc', "failed not-json.avsc: not-json.avsc is not JSON: Expected double-quoted property name in JSON at position 18 (line 1 column 19)"],
    ['jsonschema', 'bad-type.json', 'v1.json', 'failed bad-type.json: bad-type.json is not a JSON Schema: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf'],
    ['protobuf', 'bad.proto', 'v1.proto', 'failed bad.proto: bad.proto is not a valid .proto file: bad.proto:5:1:unexpected `}` after definition'],
  ])('%s: %s', async (format, schema, previous, expected) => {
    const outcome = await run({ format, schema, previous });
    expect(outcome.status).toBe('failed');
    expect(messages(outcome)).toEqual([expected]);
  });

  test('a malformed previous file fails its comparison', async () => {
    expect(messages(await run({ schema: 'v1.avsc', previous: 'bad-type.avsc' }))).toEqual([
      'failed v1.avsc against bad-type.avsc: bad-type.avsc is not an Avro schema: undefined type name: shop.strin',
    ]);
  });

  test('a missing file names the path as given and where it was looked for', async () => {
    expect(messages(await run({ schema: 'nope.avsc', previous: 'v1.avsc' }))).toEqual([`failed nope.avsc: cannot read nope.avsc: no such file (${join(dir, 'nope.avsc')})`]);
    expect(messages(await run({ schema: 'v1.avsc', previous: 'gone.avsc' }))).toEqual([
      `failed v1.avsc against gone.avsc: cannot read gone.avsc: no such file (${join(dir, 'gone.avsc')})`,
    ]);
  });
});

test('a cancelled run rejects with the reason instead of resolving', async () => {
  const controller = new AbortController();
  controller.abort(new Error('the release was cancelled'));
  const runner = createCheck(check({ format: 'protobuf', schema: 'v2-field.proto', previous: 'v1.proto' }));
  await expect(runner.run({ ...context(), signal: controller.signal })).rejects.toThrow('the release was cancelled');
});

describe('deploy order', () => {
  const compatible = { schema: 'v2-default.avsc', previous: 'v1.avsc' };

  test('BACKWARD: consumers first, i.e. every producer depends on every consumer (directly or not)', async () => {
    const outcome = await run({ ...compatible, producers: ['orders'], consumers: ['billing'] });
    expect(outcome.status).toBe('passed');
    expect(outcome.findings[0]).toEqual({ item: 'deploy order', status: 'passed', message: 'BACKWARD needs the consumers (billing) deployed before the producers (orders): they are' });
  });

  test('BACKWARD refuses a producer that may deploy before a consumer', async () => {
    const outcome = await run({ ...compatible, producers: ['orders', 'audit'], consumers: ['billing'] });
    expect(outcome.status).toBe('failed');
    expect(outcome.findings[0]).toEqual({
      item: 'deploy order',
      status: 'failed',
      message:
        'BACKWARD needs the consumers (billing) deployed before the producers (orders, audit), but audit does not depend on billing (directly or through others): add dependsOn so that every one of the producers comes after every one of the consumers',
    });
  });

  test('FORWARD needs producers first', async () => {
    const outcome = await run({ schema: 'v2-nodefault.avsc', previous: 'v1.avsc', compatibility: 'FORWARD', producers: ['orders'], consumers: ['billing'] });
    expect(outcome.findings[0]).toEqual({
      item: 'deploy order',
      status: 'failed',
      message:
        'FORWARD needs the producers (orders) deployed before the consumers (billing), but billing does not depend on orders (directly or through others): add dependsOn so that every one of the consumers comes after every one of the producers',
    });
    expect((await run({ schema: 'v2-nodefault.avsc', previous: 'v1.avsc', compatibility: 'FORWARD_TRANSITIVE', producers: ['billing'], consumers: ['orders'] })).status).toBe('passed');
  });

  test('FULL allows either order', async () => {
    const outcome = await run({ ...compatible, compatibility: 'FULL', producers: ['audit'], consumers: ['billing'] });
    expect(outcome.status).toBe('passed');
    expect(outcome.findings[0]).toEqual({ item: 'deploy order', status: 'passed', message: 'FULL allows either order' });
  });
});

/** The registry's own API, for the tests' setup and to look at what the check left. */
async function ccompat(registry: RunningApicurio, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${registry.ccompatUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('against a real Apicurio Registry (ccompat API)', () => {
  let registry: RunningApicurio;
  const schemaText = (name: string) => JSON.stringify(JSON.parse(readFileSync(join(dir, name), 'utf8')));

  beforeAll(async () => {
    registry = await startApicurio();
    // the subject as an operator set it up: BACKWARD, version 1 registered
    expect((await ccompat(registry, 'PUT', '/config/orders-events', { compatibility: 'BACKWARD' })).status).toBe(200);
    expect((await ccompat(registry, 'POST', '/subjects/orders-events/versions', { schema: schemaText('v1.avsc'), schemaType: 'AVRO' })).status).toBe(200);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const registryBlock = () => ({ registry: { url: registry.ccompatUrl } });

  test("BACKWARD refuses a breaking Avro schema: the registry's verdict and avsc's reason", async () => {
    const outcome = await run({ schema: 'v2-nodefault.avsc', ...registryBlock() });
    expect(outcome.status).toBe('failed');
    expect(messages(outcome)).toEqual([
      `failed registry ${registry.ccompatUrl} (orders-events): the registry finds v2-nodefault.avsc incompatible with version 1 (is_compatible: false), and gives no reason`,
      'failed v2-nodefault.avsc against orders-events version 1: not BACKWARD compatible: BACKWARD: the new schema cannot read data written with the old one: no matching field for default-less shop.OrderPlaced.amount',
    ]);
  });

  test('a compatible schema passes both', async () => {
    const outcome = await run({ schema: 'v2-default.avsc', ...registryBlock() });
    expect(messages(outcome)).toEqual([
      `passed registry ${registry.ccompatUrl} (orders-events): the registry finds v2-default.avsc compatible with version 1 at the subject's configured level`,
      'passed v2-default.avsc against orders-events version 1: BACKWARD compatible',
    ]);
  });

  test('a subject with no version yet passes', async () => {
    expect(messages(await run({ subject: 'brand-new', schema: 'v1.avsc', ...registryBlock() }))).toEqual([
      `passed registry ${registry.ccompatUrl} (brand-new): subject brand-new has no registered version: nothing to be compatible with`,
    ]);
  });

  test('registerSchema then deleteRegisteredSchema leaves the subject as it was', async () => {
    const spec = check({ schema: 'v2-default.avsc', ...registryBlock(), register: true });
    const ctx = { baseDir: dir, signal: new AbortController().signal };
    expect((await ccompat(registry, 'GET', '/subjects/orders-events/versions')).json).toEqual([1]);
    const registered = await registerSchema(spec, ctx);
    expect(registered).toEqual({ subject: 'orders-events', version: 2, id: expect.any(Number), alreadyRegistered: false });
    expect((await ccompat(registry, 'GET', '/subjects/orders-events/versions')).json).toEqual([1, 2]);
    await deleteRegisteredSchema(spec, registered, ctx);
    expect((await ccompat(registry, 'GET', '/subjects/orders-events/versions')).json).toEqual([1]);
    await deleteRegisteredSchema(spec, registered, ctx); // idempotent: already gone
    expect((await ccompat(registry, 'GET', '/subjects/orders-events/versions')).json).toEqual([1]);
  });

  test('a schema registered before the release is reported as such and never deleted', async () => {
    const spec = check({ schema: 'v1.avsc', ...registryBlock(), register: true });
    const ctx = { baseDir: dir, signal: new AbortController().signal };
    const registered = await registerSchema(spec, ctx);
    expect(registered).toEqual({ subject: 'orders-events', version: 1, id: expect.any(Number), alreadyRegistered: true });
    await deleteRegisteredSchema(spec, registered, ctx);
    expect((await ccompat(registry, 'GET', '/subjects/orders-events/versions')).json).toEqual([1]);
  });

  test("a new subject's only version is deleted with it: the subject is gone again", async () => {
    const spec = check({ subject: 'fresh-subject', schema: 'v1.avsc', ...registryBlock(), register: true });
    const ctx = { baseDir: dir, signal: new AbortController().signal };
    const registered = await registerSchema(spec, ctx);
    expect(registered.version).toBe(1);
    await deleteRegisteredSchema(spec, registered, ctx);
    expect(await ccompat(registry, 'GET', '/subjects/fresh-subject/versions')).toEqual({
      status: 404,
      json: { message: "Subject 'fresh-subject' not found.", error_code: 40401 },
    });
  });

  test("registering a breaking schema throws with the registry's 409 reason", async () => {
    const spec = check({ schema: 'v2-nodefault.avsc', ...registryBlock(), register: true });
    await expect(registerSchema(spec, { baseDir: dir, signal: new AbortController().signal })).rejects.toThrow(
      `POST ${registry.ccompatUrl}/subjects/orders-events/versions: HTTP 409 (error_code 409): io.apicurio.registry.rules.violation.RuleViolationException: Incompatible artifact: orders-events [AVRO], num of incompatible diffs: {1}, list of diff types: [amount at /fields/1]`,
    );
  });

  test('protobuf against the registry, BACKWARD_TRANSITIVE over every version', async () => {
    await ccompat(registry, 'PUT', '/config/orders-proto', { compatibility: 'BACKWARD_TRANSITIVE' });
    const v1 = readFileSync(join(dir, 'v1.proto'), 'utf8');
    expect((await ccompat(registry, 'POST', '/subjects/orders-proto/versions', { schema: v1, schemaType: 'PROTOBUF' })).status).toBe(200);
    const outcome = await run({ format: 'protobuf', subject: 'orders-proto', schema: 'v2-type.proto', compatibility: 'BACKWARD_TRANSITIVE', ...registryBlock() });
    expect(messages(outcome)).toEqual([
      `failed registry ${registry.ccompatUrl} (orders-proto): the registry finds v2-type.proto incompatible with versions 1 (is_compatible: false), and gives no reason`,
      'failed v2-type.proto against orders-proto version 1: not BACKWARD_TRANSITIVE compatible: BACKWARD: the new schema breaks data written with the old one: v2-type.proto:5:3:Field "2" with name "amount" on message "OrderPlaced" changed type from "int64" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.',
    ]);
  });

  test('an unreachable registry (a closed port) is a failed finding', async () => {
    const port = await closedPort();
    const outcome = await run({ schema: 'v2-default.avsc', registry: { url: `http://127.0.0.1:${port}` } });
    expect(outcome.status).toBe('failed');
    expect(messages(outcome)).toEqual([
      `failed registry http://127.0.0.1:${port} (orders-events): cannot reach the schema registry at http://127.0.0.1:${port} (the versions of orders-events): connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });
});
