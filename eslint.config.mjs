// Lint guards two things tsc cannot: promises nobody awaits, and the determinism line (what code
// that runs in Temporal's workflow sandbox may import). DESIGN.md, "Layout".
import { builtinModules } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** The TypeScript the project owns; every type-aware rule runs on these. */
const PROJECT_TS = ['{src,workflows,activities,workers,bench,scripts,test}/**/*.ts'];

/**
 * The modules outside workflows/ that workflow code imports as values, directly or transitively
 * (found with `grep -rn "from '\.\./src" workflows` and followed through their imports), plus the
 * pure ones it imports only types from today. They are bundled into the workflow sandbox, so they
 * keep its rules. A workflow-safe module may import values only from another workflow-safe module;
 * to use a new pure module from a workflow, add it here.
 * Planned: move these into one folder, src/core/, and replace this list with that folder.
 */
const WORKFLOW_SAFE_MODULES = [
  'src/manifest/duration.ts',
  'src/manifest/manifestErrors.ts',
  'src/manifest/schema.ts',
  'src/plan/dependencyGraph.ts',
  'src/plan/planRelease.ts',
  'src/release/compactReport.ts',
  'src/release/environmentLockIds.ts',
  'src/release/releaseReport.ts',
  'src/release/releaseStatus.ts',
  'src/release/stepFailureTypes.ts',
  'src/manifest/fields.ts',
  'src/targets/targetKinds.ts',
  'src/probes/probeKinds.ts',
  'src/checks/checkKinds.ts',
  'src/checks/checkFields.ts',
  'src/notifications/notificationKinds.ts',
  'src/notifications/notificationFields.ts',
  'src/temporal/searchAttributes.ts',
  'src/temporal/tolerantPayloadConverter.ts',
  // every plugin kind's manifest block (src/<targets|probes|checks>/<kind>/spec.ts) is workflow-safe
  ...['targets', 'probes', 'checks', 'notifications'].flatMap((family) =>
    readdirSync(new URL(`src/${family}`, import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(new URL(`src/${family}/${entry.name}/spec.ts`, import.meta.url)))
      .map((entry) => `src/${family}/${entry.name}/spec.ts`),
  ),
];
const WORKFLOW_DIR = 'workflows';
/** Every module of workflows/ (any depth): workflow code may import these as values too. */
const WORKFLOW_MODULES = readdirSync(new URL(WORKFLOW_DIR, import.meta.url), { recursive: true })
  .filter((file) => String(file).endsWith('.ts'))
  .map((file) => `${WORKFLOW_DIR}/${String(file).split(path.sep).join('/')}`);
/** What the sandbox's rules apply to: workflows/ and the workflow-safe modules outside it. */
const SANDBOX_MODULES = [...WORKFLOW_MODULES, ...WORKFLOW_SAFE_MODULES];

/** Node built-ins the sandbox provides (@temporalio/worker's bundler, `allowedBuiltinModules`). */
const SANDBOX_BUILTINS = ['assert', 'url', 'util'];
const inSandbox = (name) => SANDBOX_BUILTINS.some((b) => name === b || name.startsWith(`${b}/`));
const forbiddenBuiltins = builtinModules.filter((name) => !inSandbox(name));
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names) => `(?:${names.map(escapeRegex).join('|')})`;

/** Packages that are not workflow code: I/O, the worker, the client, the test server. */
const NON_WORKFLOW_PACKAGES = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  '@temporalio/core-bridge',
  '@temporalio/common/lib/internal-non-workflow',
  'pino',
  'playwright-core',
  'prom-client',
];

/**
 * The relative import specifiers a sandbox module in `dir` may use for values: the other modules of
 * workflows/ and the WORKFLOW_SAFE_MODULES, written relative to `dir`.
 */
function allowedRelativeSpecifiers(dir) {
  const fromDir = (file) => {
    const relative = path.posix.relative(dir, file.replace(/\.ts$/, ''));
    return relative.startsWith('.') ? relative : `./${relative}`;
  };
  return `(?:${SANDBOX_MODULES.map((file) => escapeRegex(fromDir(file))).join('|')})`;
}

/** The import rules of the workflow sandbox, for the workflow-safe files in one directory. */
function determinismLine(dir, files) {
  return {
    name: `lockstep/determinism-line:${dir}`,
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?:node:(?!${anyOf(SANDBOX_BUILTINS)}(?:/|$))|${anyOf(forbiddenBuiltins)}(?:/|$))`,
              message:
                `Node built-ins do not exist in Temporal's workflow sandbox (only ${SANDBOX_BUILTINS.join(', ')} do); ` +
                'do the work in an activity.',
            },
            {
              regex: `^${anyOf(NON_WORKFLOW_PACKAGES)}(?:/|$)`,
              message:
                'workflow code may not use I/O or non-workflow Temporal packages (@temporalio/workflow and ' +
                '@temporalio/common are the workflow ones); do the work in an activity.',
            },
            {
              // Any relative import that is not another workflow-safe module: activities/, src/targets,
              // src/probes, src/cli, the I/O files of src/temporal, ... Types are erased, so allowed.
              regex: `^(?!${allowedRelativeSpecifiers(dir)}$)\\.`,
              allowTypeImports: true,
              message:
                'workflow code may import values only from workflows/ and WORKFLOW_SAFE_MODULES (eslint.config.mjs); ' +
                'from activities/ and other I/O modules only `import type`.',
            },
          ],
        },
      ],
    },
  };
}

const sandboxDirs = [...new Set(SANDBOX_MODULES.map((file) => path.posix.dirname(file)))];

export default defineConfig(
  { ignores: ['.lockstep/**', 'dist/**', 'coverage/**', 'node_modules/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    name: 'lockstep/typescript',
    files: PROJECT_TS,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      // import-x reads an imported file only if its extension is listed; it parses it again
      // without type information, so following the graph stays cheap.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Project rule: no `any` without a comment; the comment is the disable directive's reason.
      '@typescript-eslint/no-explicit-any': 'error',
      // Type-only imports are erased, so they cannot form a cycle at run time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  ...sandboxDirs.map((dir) =>
    determinismLine(
      dir,
      // every file of a workflows/ folder, new ones too; outside it, exactly the listed modules
      dir === WORKFLOW_DIR || dir.startsWith(`${WORKFLOW_DIR}/`)
        ? [`${dir}/*.ts`]
        : SANDBOX_MODULES.filter((file) => path.posix.dirname(file) === dir),
    ),
  ),
);
