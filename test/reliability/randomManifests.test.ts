/**
 * Property-based (fast-check): whatever the input — random YAML/JSON structures, random text and
 * bytes, mutations of a valid manifest — the loader either accepts it or throws a ManifestError
 * (never another exception), and the real CLI refuses what the loader refuses with exit code 3
 * without starting a workflow. A hang or a blow-up in the loader shows as the test's timeout; no
 * single load is timed (a busy machine would make that a test of the machine).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadManifest, ManifestError, parseManifestText } from '../../src/manifest/loadManifest';
import { runCli } from '../support/runCli';
import { validManifest, type ManifestObject } from '../support/validManifest';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-random-manifests-'));

type Outcome = { accepted: true } | { accepted: false; problems: string[] };

/** Loads a manifest file with these bytes; anything but acceptance or a ManifestError fails the property. */
function load(bytes: Buffer | string, name = 'random.yaml'): Outcome {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  try {
    loadManifest(file);
    return { accepted: true };
  } catch (err) {
    if (!(err instanceof ManifestError)) throw new Error(`the loader crashed instead of refusing: ${String(err)}`);
    expect(err.problems.length).toBeGreaterThan(0);
    return { accepted: false, problems: err.problems };
  }
}

// --- mutations of a valid manifest ---------------------------------------------------------------

type Path = (string | number)[];

/** Every path to a value inside the manifest (objects and arrays included). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}
const PATHS = pathsOf(validManifest()).filter((p) => p.length > 0);

type Mutation =
  | { kind: 'delete'; path: Path }
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'add'; path: Path; key: string; value: unknown };

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', ' ', '../..', '$(rm -rf /)', '0s', '400d', '-1', 'lockstep/v1', 'Release', 'db', 'api', '1.0.0'),
  fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, true, null, [], {}),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...PATHS), value: anyValue }),
  fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom(...PATHS), key: fc.string({ maxLength: 12 }), value: anyValue }),
);

function applyMutation(m: ManifestObject, change: Mutation): void {
  const parent = change.path.slice(0, -1).reduce<any>((node, key) => node?.[key], m); // eslint-disable-line @typescript-eslint/no-explicit-any -- walks arbitrary JSON
  const last = change.path[change.path.length - 1]!;
  if (parent === null || typeof parent !== 'object') return;
  if (change.kind === 'delete') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else if (change.kind === 'replace') {
    parent[last] = structuredClone(change.value);
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[change.key] = structuredClone(change.value);
  }
}

const mutatedManifest = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((changes) => {
  const m = validManifest();
  for (const change of changes) applyMutation(m, change);
  return m;
});

describe('random manifests never crash the loader, never hang', () => {
  test('random YAML and JSON documents: accepted or a ManifestError, within 2 s each', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, asJson) => {
        load(asJson ? JSON.stringify(value) : stringify(value), asJson ? 'random.json' : 'random.yaml');
      }),
      { numRuns: 300 },
    );
  });

  test('random text and random bytes: a ManifestError, within 2 s each', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a))), (input) => {
        const outcome = load(input);
        expect(outcome.accepted).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('mutations of a valid manifest (deleted, replaced and added fields): accepted or a ManifestError naming a field', () => {
    fc.assert(
      fc.property(mutatedManifest, fc.boolean(), (m, asJson) => {
        const outcome = load(asJson ? JSON.stringify(m) : stringify(m, { aliasDuplicateObjects: false }), asJson ? 'mutated.json' : 'mutated.yaml');
        if (!outcome.accepted) for (const problem of outcome.problems) expect(problem).toMatch(/^[^\s:][^:]*: \S/);
      }),
      { numRuns: 400 },
    );
  });

  test('byte-level damage to a valid manifest file: accepted or a ManifestError', () => {
    const valid = Buffer.from(stringify(validManifest()));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
        const bytes = Buffer.from(valid);
        for (const [at, byte] of flips) bytes[at] = byte;
        load(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('random invalid manifests through the real CLI', () => {
  test('exit 3 and no workflow started (a sample of 4)', async () => {
    const taskQueue = `random-manifests-${randomUUID()}`;
    const invalid = fc
      .sample(mutatedManifest, { numRuns: 200, seed: 42 })
      .filter((m) => {
        try {
          parseManifestText(JSON.stringify(m), join(dir, 'sample.json'));
          return false;
        } catch {
          return true;
        }
      })
      .slice(0, 4);
    expect(invalid).toHaveLength(4);
    for (const [i, m] of invalid.entries()) {
      const file = join(dir, `cli-${i}.json`);
      writeFileSync(file, JSON.stringify(m));
      const result = await runCli(['release', file, '--wait'], { LOCKSTEP_TASK_QUEUE: taskQueue });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`^lockstep: invalid manifest ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\n(  - .+\n)+$`));
    }
    const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
    try {
      let started = 0;
      for await (const _ of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) started++;
      expect(started).toBe(0);
    } finally {
      await client.connection.close();
    }
  });
});
