/** Lints source text as if it were a file of the project, with the project's ESLint config. */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

const LintMessage = z.object({ ruleId: z.string().nullable(), message: z.string(), line: z.number() });
export type LintMessage = z.infer<typeof LintMessage>;
const LintResults = z.array(z.array(LintMessage));

export interface LintSample {
  /** The module's source text. */
  code: string;
  /** Where the module would live, relative to the repository root (decides which rules apply). */
  filePath: string;
}

const ROOT = resolve(__dirname, '..', '..');

/** The messages ESLint reports for each sample, in order. */
export function lintWithProjectConfig(samples: LintSample[]): Promise<LintMessage[][]> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(resolve(__dirname, 'lintText.worker.mjs'), { workerData: { cwd: ROOT, samples } });
    worker.once('message', (results: unknown) => resolvePromise(LintResults.parse(results)));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the lint worker exited with code ${code} before answering`)));
  });
}
