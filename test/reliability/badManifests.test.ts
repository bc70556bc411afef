/**
 * Hostile and malformed manifests: each one refused with its exact error line, never a crash. Most
 * cases go straight to the loader; a representative few go through the real CLI (exit code 3, the
 * same line on stderr, and no workflow started).
 *
 * Paths: `target.cwd` and programs in argv may point anywhere on the worker, `..` included; they
 * resolve against the manifest's directory. That is allowed on purpose: a manifest already names the
 * programs the worker runs, so confining its paths would protect nothing. What must not escape are the
 * names Lockstep itself turns into paths and ids (metadata.id, environment, service names): their
 * patterns admit no "/" and no leading ".", so `..` is refused there.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { stringify } from 'yaml';
import { loadManifest, ManifestError, parseManifestText } from '../../src/manifest/loadManifest';
import { runCli } from '../support/runCli';
import { waitFor } from '../support/waitFor';
import { validManifest, type ManifestObject } from '../support/validManifest';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-bad-manifests-'));
const FILE = join(dir, 'manifest.yaml');

/** The manifest as a file's bytes: YAML text, or (for `.json`) JSON. */
interface BadInput {
  name?: string;
  bytes: Buffer;
}
// aliasDuplicateObjects: false: a shared object is written out each time, never as a YAML alias
const yamlOf = (m: ManifestObject): BadInput => ({ bytes: Buffer.from(stringify(m, { aliasDuplicateObjects: false })) });
const text = (t: string, name?: string): BadInput => ({ bytes: Buffer.from(t), name });
const mutated = (change: (m: ManifestObject) => void): BadInput => {
  const m = validManifest();
  change(m);
  return yamlOf(m);
};
const VALID_TEXT = stringify(validManifest());
/** The line number of what is appended to VALID_TEXT, and the excerpt an error there shows (the line above, the line, a caret). */
const VALID_LINES = VALID_TEXT.split('\n').length;
const excerptAt = (line: number, text: string): string =>
  [`  ${line - 1} | ${VALID_TEXT.split('\n')[line - 2]}`, `  ${line} | ${text}`, `  ${' '.repeat(String(line).length)} | ^`].join('\n');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const ALIAS_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;
const HUGE = Buffer.from(`${VALID_TEXT}# ${'x'.repeat(1024 * 1024)}\n`);

/** [what, input, the exact problem lines]. */
const cases: [string, BadInput, string[]][] = [
  // --- not a manifest at all
  ['bad YAML (unclosed flow sequence)', text('apiVersion: [unclosed\n'), ['not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:\n  1 | apiVersion: [unclosed\n  2 | (end of file)']],
  ['tabs as indentation', text('apiVersion: lockstep/v1\nspec:\n\tservices: []\n'), ['not valid YAML: Tabs are not allowed as indentation at line 3, column 1:\n  2 | spec:\n  3 | \tservices: []\n    | ^']],
  ['a duplicate key', text(`${VALID_TEXT}apiVersion: lockstep/v2\n`), [`not valid YAML: duplicate key "apiVersion" at line ${VALID_LINES}, column 1:\n${excerptAt(VALID_LINES, 'apiVersion: lockstep/v2')}`]],
  ['two YAML documents', text(`${VALID_TEXT}---\n${VALID_TEXT}`), [`not valid YAML: a manifest is one YAML document; a second one starts here at line ${VALID_LINES}, column 1:\n${excerptAt(VALID_LINES, '---')}`]],
  ['an empty file', text('  \n\n'), ['file is empty']],
  ['a scalar document', text('just a string\n'), ['(manifest): Invalid input: expected object, received string']],
  ['a list document', text('- apiVersion: lockstep/v1\n'), ['(manifest): Invalid input: expected object, received array']],
  ['a null document', text('~\n'), ['(manifest): Invalid input: expected object, received null']],
  ['a YAML alias bomb (billion laughs)', text(ALIAS_BOMB), ['not valid YAML: Excessive alias count indicates a resource exhaustion attack']],
  ['a self-referencing alias (a cycle)', text('apiVersion: &a [*a]\n'), ['nests deeper than 64 levels']],
  ['deeply nested YAML inside a valid field (100 levels)', text(VALID_TEXT.replace('url: http', `expectJson: { k: ${nested(100)} }\n          url: http`)), ['nests deeper than 64 levels']],
  ['deeply nested YAML (10,000 levels)', text(`apiVersion: ${nested(10_000)}\n`), ['nests deeper than 64 levels']],
  ['deeply nested JSON inside a valid field (expectJson)', {
    name: 'deep.json',
    bytes: Buffer.from(JSON.stringify(validManifest()).replace('"url":', `"expectJson":{"k":${nested(10_000)}},"url":`)),
  }, ['nests deeper than 64 levels']],
  ['broken JSON', text('{"apiVersion": "lockstep/v1",}', 'broken.json'), ['not valid JSON: Expected double-quoted property name in JSON at position 29 (line 1 column 30)']],
  ['non-UTF-8 bytes', { bytes: Buffer.concat([Buffer.from('apiVersion: lockstep/v1\nkind: Re'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('lease\n')]) }, ['file is not valid UTF-8 text']],
  ['a huge file (> 1 MiB)', { bytes: HUGE }, [`file is ${HUGE.length} bytes; a manifest may have at most 1048576`]],
  // --- the envelope
  ['a wrong apiVersion', mutated((m) => (m.apiVersion = 'lockstep/v2')), ['apiVersion: must be "lockstep/v1"']],
  ['a wrong kind', mutated((m) => (m.kind = 'Deployment')), ['kind: must be "Release"']],
  ['no metadata', mutated((m) => delete m.metadata), ['metadata: Invalid input: expected object, received undefined']],
  ['an upper-case environment', mutated((m) => (m.metadata.environment = 'Staging')), ['metadata.environment: must be lowercase letters, digits and dashes, e.g. "staging"']],
  ['an id with ".." and "/" (would escape release/<env>/<id>)', mutated((m) => (m.metadata.id = '../../etc/passwd')), ['metadata.id: must be letters, digits, ".", "_" or "-" (at most 100), e.g. "checkout-42"']],
  ['an environment ".."', mutated((m) => (m.metadata.environment = '..')), ['metadata.environment: must be lowercase letters, digits and dashes, e.g. "staging"']],
  ['an unknown top-level key', mutated((m) => (m.status = 'done')), ['(manifest): unknown key "status"']],
  // --- services
  ['an empty service list', mutated((m) => (m.spec.services = [])), [
    'spec.services: must list at least one service',
    'spec.gates[0].before[0]: unknown service "api"',
  ]],
  ['services as a map', mutated((m) => (m.spec.services = { db: m.spec.services[0] })), ['spec.services: Invalid input: expected array, received object']],
  ['more than 2000 services', mutated((m) => (m.spec.services = Array.from({ length: 2001 }, (_, i) => ({ ...m.spec.services[0], name: `s${i}` })))), ['spec.services: at most 2000 services']],
  ['a service name with ".." (would escape the state directory)', mutated((m) => (m.spec.services[0].name = '../db')), [
    'spec.services[0].name: must be lowercase letters, digits and dashes (at most 63), e.g. "payments"',
    'spec.services[1].dependsOn[0]: unknown service "db"',
  ]],
  ['an unknown key in a service', mutated((m) => (m.spec.services[0].replicas = 3)), ['spec.services[0]: unknown key "replicas"']],
  ['a misspelt key in a service', mutated((m) => (m.spec.services[1].depends_on = m.spec.services[1].dependsOn)), ['spec.services[1]: unknown key "depends_on"; did you mean "dependsOn"?']],
  ['two misspelt keys in a service', mutated((m) => {
    m.spec.services[1].dependson = m.spec.services[1].dependsOn;
    m.spec.services[1].helth = m.spec.services[1].health;
  }), ['spec.services[1]: unknown keys "dependson" (did you mean "dependsOn"?), "helth" (did you mean "health"?)']],
  ['a version that is a YAML number, as written', text(VALID_TEXT.replace('version: 2.0.0', 'version: 1.10')), ['spec.services[1].version: must be a string: quote it, "1.10"']],
  ['duplicate service names', mutated((m) => m.spec.services.push({ ...m.spec.services[0] })), ['spec.services[2].name: duplicate service name "db" (also at spec.services[0])']],
  ['an unknown dependency', mutated((m) => (m.spec.services[1].dependsOn = ['cache'])), ['spec.services[1].dependsOn[0]: unknown service "cache"']],
  ['a self-dependency', mutated((m) => (m.spec.services[0].dependsOn = ['db'])), ['spec.services[0].dependsOn[0]: "db" depends on itself']],
  ['a dependency cycle of three', mutated((m) => {
    m.spec.services.push({ ...m.spec.services[0], name: 'web', dependsOn: ['api'] });
    m.spec.services[0].dependsOn = ['web'];
  }), ['spec.services[0].dependsOn: dependency cycle: db -> web -> api -> db']],
  ['dependsOn as a string', mutated((m) => (m.spec.services[1].dependsOn = 'db')), ['spec.services[1].dependsOn: Invalid input: expected array, received string']],
  ['a version that is a YAML number', text(VALID_TEXT.replace('version: 2.0.0', 'version: 2.0')), ['spec.services[1].version: must be a string: quote it, "2.0"']],
  ['an empty version', mutated((m) => (m.spec.services[0].version = '')), ['spec.services[0].version: must not be empty', 'spec.services[0].version: must be letters, digits, ".", "_", "+" or "-", e.g. "2.4.0"']],
  // --- targets
  ['an unknown target kind', mutated((m) => (m.spec.services[0].target.kind = 'ftp')), ['spec.services[0].target.kind: kind must be one of "command", "process", "simulated", "http"']],
  ['an unknown key in a target', mutated((m) => (m.spec.services[0].target.shell = true)), ['spec.services[0].target: unknown key "shell"']],
  ['argv as a shell string', mutated((m) => (m.spec.services[0].target.deploy = './deploy.sh db && ./notify.sh')), [
    'spec.services[0].target.deploy: must be a list of arguments (argv), e.g. ["./deploy.sh", "payments"]; a shell string is not accepted',
  ]],
  ['an empty argv', mutated((m) => (m.spec.services[0].target.current = [])), ['spec.services[0].target.current: must name a program to run']],
  ['an empty argument', mutated((m) => (m.spec.services[0].target.deploy = ['./deploy.sh', ''])), ['spec.services[0].target.deploy[1]: an argument must not be empty']],
  ['a number in argv', mutated((m) => (m.spec.services[0].target.deploy = ['./deploy.sh', 5])), ['spec.services[0].target.deploy[1]: must be a string: quote it, "5"']],
  ['an environment variable name that is not one', mutated((m) => (m.spec.services[0].target.env = { 'A=B': 'x' })), ['spec.services[0].target.env.A=B: Invalid key in record']],
  ['a number as an environment value', mutated((m) => (m.spec.services[0].target.env = { PORT: 8080 })), ['spec.services[0].target.env.PORT: must be a string: quote it, "8080"']],
  // --- durations and numbers
  ['a duration in words', mutated((m) => (m.spec.services[1].target.timeout = '5 minutes')), ['spec.services[1].target.timeout: "5 minutes" is not a duration; write it as "500ms", "30s", "5m" or "1h"']],
  ['an absurd timeout (400 days)', mutated((m) => (m.spec.services[1].health.timeout = '400d')), ['spec.services[1].health.timeout: "400d" is out of range: must be between 100ms and 24h']],
  ['a duration beyond any integer', mutated((m) => (m.spec.services[1].health.timeout = '99999999999999999999d')), [
    'spec.services[1].health.timeout: "99999999999999999999d" is not a duration; write it as "500ms", "30s", "5m" or "1h"',
  ]],
  ['a zero command timeout', mutated((m) => (m.spec.services[1].target.timeout = '0s')), ['spec.services[1].target.timeout: "0s" is out of range: must be between 1000ms and 24h']],
  ['a duration that is a number', mutated((m) => (m.spec.services[1].health.interval = 5)), ['spec.services[1].health.interval: must be a duration such as "500ms", "30s" or "5m"']],
  ['maxParallel as words', mutated((m) => (m.spec.maxParallel = 'ten')), ['spec.maxParallel: Invalid input: expected number, received string']],
  ['maxParallel zero', mutated((m) => (m.spec.maxParallel = 0)), ['spec.maxParallel: Too small: expected number to be >=1']],
  ['a fractional maxParallel', mutated((m) => (m.spec.maxParallel = 1.5)), ['spec.maxParallel: Invalid input: expected int, received number']],
  ['zero rollback attempts', mutated((m) => (m.spec.retries = { rollbackAttempts: 0 })), ['spec.retries.rollbackAttempts: Too small: expected number to be >=1']],
  // --- health
  ['two probes in one health block', mutated((m) => (m.spec.services[1].health.tcp = { port: 5432 })), ['spec.services[1].health: needs exactly one probe, found http and tcp']],
  ['a health block without a probe', mutated((m) => delete m.spec.services[1].health.http), ['spec.services[1].health: needs exactly one probe: http, command, tcp or simulated']],
  ['a probe URL that is not http', mutated((m) => (m.spec.services[1].health.http.url = 'file:///etc/passwd')), ['spec.services[1].health.http.url: must be an http(s) URL']],
  ['an impossible HTTP status', mutated((m) => (m.spec.services[1].health.http.expectStatus = 999)), ['spec.services[1].health.http.expectStatus: Too big: expected number to be <=599']],
  ['a TCP port out of range', mutated((m) => (m.spec.services[1].health = { tcp: { port: 70000 } })), ['spec.services[1].health.tcp.port: Too big: expected number to be <=65535']],
  ['a successThreshold of 1000', mutated((m) => (m.spec.services[1].health.successThreshold = 1000)), ['spec.services[1].health.successThreshold: Too big: expected number to be <=100']],
  // --- gates
  ['a gate before an unknown service', mutated((m) => (m.spec.gates[0].before = ['cache'])), ['spec.gates[0].before[0]: unknown service "cache"']],
  ['two gates with one name', mutated((m) => m.spec.gates.push({ name: 'prod-ok', before: ['db'] })), ['spec.gates[1].name: duplicate gate name "prod-ok"']],
];

/** The problems the loader reports for this input, read from a real file. */
function problemsOf(input: BadInput): string[] {
  const file = join(dir, input.name ?? 'manifest.yaml');
  writeFileSync(file, input.bytes);
  try {
    loadManifest(file);
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  throw new Error('the manifest was accepted');
}

test(`the table has at least 30 malformed manifests (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
  expect(new Set(cases.map(([what]) => what)).size).toBe(cases.length);
  // and the manifest they are made from is valid
  expect(parseManifestText(VALID_TEXT, FILE).manifest.spec.services).toHaveLength(2);
});

describe('malformed manifests, through the loader', () => {
  const rows = cases.map(([what, input, expected]) => [what, expected, input] as const);
  test.each(rows)('%s: refused with exactly %j', (_what, expected, input) => {
    expect(problemsOf(input)).toEqual(expected);
  });
});

describe('paths with ".." in cwd', () => {
  test('are allowed and resolve against the manifest directory (they may leave it: the manifest names programs anyway)', () => {
    const m = validManifest();
    m.spec.services[0].target.cwd = '../deploy/scripts';
    const loaded = parseManifestText(stringify(m), '/srv/releases/checkout/manifest.yaml');
    expect(loaded.input.spec.services[0]!.target).toMatchObject({ cwd: resolve('/srv/releases/deploy/scripts') });
  });
});

describe('malformed manifests, through the real CLI', () => {
  const taskQueue = `bad-manifests-${randomUUID()}`;
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  async function workflowsOnQueue(): Promise<string[]> {
    const ids: string[] = [];
    for await (const w of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) ids.push(w.workflowId);
    return ids;
  }

  const throughCli = [
    'bad YAML (unclosed flow sequence)',
    'a YAML alias bomb (billion laughs)',
    'deeply nested JSON inside a valid field (expectJson)',
    'non-UTF-8 bytes',
    'a huge file (> 1 MiB)',
    'a self-dependency',
    'an id with ".." and "/" (would escape release/<env>/<id>)',
    'argv as a shell string',
  ];
  test.each(cases.filter(([what]) => throughCli.includes(what)))('%s: exit 3, the same line on stderr, no workflow', async (_what, input, expected) => {
    const file = join(dir, `cli-${randomUUID()}${input.name?.endsWith('.json') ? '.json' : '.yaml'}`);
    writeFileSync(file, input.bytes);
    const result = await runCli(['release', file, '--wait'], { LOCKSTEP_TASK_QUEUE: taskQueue });
    expect(result.code).toBe(3);
    // a problem's excerpt of the file is indented under it
    expect(result.stderr.split('\n')).toEqual([`lockstep: invalid manifest ${file}:`, ...expected.flatMap((p) => `  - ${p}`.split('\n').map((l, i) => (i === 0 ? l : `    ${l}`))), '']);
    expect(result.stdout).toBe('');
    await expect(client.workflow.getHandle('release/staging/checkout-42').describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  const throughPlan = [
    'bad YAML (unclosed flow sequence)',
    'tabs as indentation',
    'a duplicate key',
    'a version that is a YAML number',
    'a version that is a YAML number, as written',
    'a misspelt key in a service',
    'two misspelt keys in a service',
  ];
  test.each(cases.filter(([what]) => throughPlan.includes(what)))('%s: `lockstep plan` exits 3 with exactly these lines', async (_what, input, expected) => {
    const file = join(dir, `plan-${randomUUID()}.yaml`);
    writeFileSync(file, input.bytes);
    const result = await runCli(['plan', file]);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')).toEqual([`lockstep: invalid manifest ${file}:`, ...expected.flatMap((p) => `  - ${p}`.split('\n').map((l, i) => (i === 0 ? l : `    ${l}`))), '']);
    expect(result.stdout).toBe('');
  });

  test('none of them started a workflow, though a valid manifest on the same queue does', async () => {
    const m = validManifest();
    m.metadata.id = `control-${randomUUID().slice(0, 8)}`;
    const file = join(dir, 'control.yaml');
    writeFileSync(file, stringify(m));
    const control = await runCli(['release', file, '--json'], { LOCKSTEP_TASK_QUEUE: taskQueue });
    expect(control.code).toBe(0);
    const workflowId = `release/staging/${m.metadata.id}`;
    try {
      const ids = await waitFor(async () => {
        const listed = await workflowsOnQueue();
        return listed.length > 0 && listed;
      }, 'the control release to be listed (visibility is eventually consistent)');
      expect(ids).toEqual([workflowId]);
    } finally {
      await client.workflow.getHandle(workflowId).terminate('control release of a test; never meant to run');
    }
  });
});
