// Runs ESLint's lintText with the project's eslint.config.mjs in a worker thread: jest's module
// sandbox cannot import() an ES module config, a plain Node thread can. workerData: { cwd, samples }.
// Type information is switched off (each sample is text, not a file of the TypeScript program), so
// the type-aware rules are off too; every other rule is the project's own.
import { parentPort, workerData } from 'node:worker_threads';
import { ESLint } from 'eslint';

const eslint = new ESLint({
  cwd: workerData.cwd,
  overrideConfig: {
    languageOptions: { parserOptions: { project: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});
const results = [];
for (const { code, filePath } of workerData.samples) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })));
}
parentPort.postMessage(results);
