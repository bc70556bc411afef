/**
 * The determinism line is enforced by `npm run lint`: workflow code and the pure modules it bundles
 * (WORKFLOW_SAFE_MODULES in eslint.config.mjs) may not import Node built-ins, I/O packages or
 * activity implementations. Lints text through ESLint's Node API with the project's config.
 */
import { lintWithProjectConfig, type LintMessage } from '../support/lintWithProjectConfig';

const PROBE = 'workflows/__lintProbe.ts';
const samples = {
  nodeFs: { filePath: PROBE, code: "import fs from 'node:fs';\nexport const read = fs.readFileSync;\n" },
  bareChildProcess: { filePath: PROBE, code: "import { spawn } from 'child_process';\nexport const run = spawn;\n" },
  sandboxBuiltinsAndWorkflowPackages: {
    filePath: PROBE,
    code:
      "import { inspect } from 'util';\nimport { sleep } from '@temporalio/workflow';\n" +
      "import { defaultPayloadConverter } from '@temporalio/common';\nexport const used = [inspect, sleep, defaultPayloadConverter];\n",
  },
  temporalClient: { filePath: PROBE, code: "import { Client } from '@temporalio/client';\nexport const C = Client;\n" },
  activityTypes: { filePath: PROBE, code: "import type { ReleaseActivities } from '../activities';\nexport type A = ReleaseActivities;\n" },
  activityImplementation: {
    filePath: PROBE,
    code: "import { createTargetActivities } from '../activities/targetActivities';\nexport const make = createTargetActivities;\n",
  },
  safeModules: {
    filePath: PROBE,
    code:
      "import { parseDuration } from '../src/manifest/duration';\nimport { statusQuery } from './messages';\n" +
      'export const used = [parseDuration, statusQuery];\n',
  },
  ioFromPureModule: {
    filePath: 'src/manifest/schema.ts',
    code: "import { connectClient } from '../temporal/connectClient';\nexport const connect = connectClient;\n",
  },
};
const names = Object.keys(samples) as (keyof typeof samples)[];
let messages: Record<keyof typeof samples, LintMessage[]>;

beforeAll(async () => {
  const results = await lintWithProjectConfig(names.map((name) => samples[name]));
  messages = Object.fromEntries(names.map((name, i) => [name, results[i] ?? []])) as typeof messages;
}, 120_000);

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** ESLint's no-restricted-imports error: it names the import, then gives the config's reason. */
const restrictedImport = (source: string, reason: string) =>
  expect.objectContaining({
    ruleId: '@typescript-eslint/no-restricted-imports',
    line: 1,
    message: expect.stringMatching(new RegExp(`^'${literally(source)}' import is restricted\\b.*${literally(reason)}`)),
  });

test('a workflow importing node:fs is refused, naming the import', () => {
  expect(messages.nodeFs).toEqual([restrictedImport('node:fs', "do not exist in Temporal's workflow sandbox")]);
});

test('a bare Node built-in is refused too', () => {
  expect(messages.bareChildProcess).toEqual([restrictedImport('child_process', "do not exist in Temporal's workflow sandbox")]);
});

test('util, @temporalio/workflow and @temporalio/common are allowed', () => {
  expect(messages.sandboxBuiltinsAndWorkflowPackages).toEqual([]);
});

test('@temporalio/client is refused', () => {
  expect(messages.temporalClient).toEqual([restrictedImport('@temporalio/client', 'non-workflow Temporal packages')]);
});

test('import type from activities/ is allowed', () => {
  expect(messages.activityTypes).toEqual([]);
});

test('a value import of an activity implementation is refused', () => {
  expect(messages.activityImplementation).toEqual([
    restrictedImport('../activities/targetActivities', 'may import values only from workflows/ and WORKFLOW_SAFE_MODULES'),
  ]);
});

test('workflows may import other workflow modules and the workflow-safe modules', () => {
  expect(messages.safeModules).toEqual([]);
});

test('a workflow-safe module outside workflows/ keeps the same line', () => {
  expect(messages.ioFromPureModule).toEqual([
    restrictedImport('../temporal/connectClient', 'may import values only from workflows/ and WORKFLOW_SAFE_MODULES'),
  ]);
});
