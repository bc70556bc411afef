/**
 * Writes the release workflows' bundle (the code `bundleReleaseWorkflows` makes from this tree) to a
 * file, for workers that start from it through $LOCKSTEP_WORKFLOW_BUNDLE instead of bundling at
 * start (a minute on a busy machine). The Dockerfile runs it at image build time:
 *   tsx scripts/build-workflow-bundle.ts [out-file]      (default .lockstep/workflow-bundle.js)
 *   LOCKSTEP_WORKFLOW_BUNDLE=<out-file> lockstep worker
 * The file is written under a temporary name and renamed, so a worker never reads half a bundle.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleReleaseWorkflows, PREBUILT_BUNDLE_ENV } from '../workers/releaseWorker';

const DEFAULT_OUT = join(__dirname, '..', '.lockstep', 'workflow-bundle.js');

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT);
  const started = Date.now();
  const { code } = await bundleReleaseWorkflows();
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, out);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`lockstep: workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB, ${seconds} s); start workers with ${PREBUILT_BUNDLE_ENV}=${out}`);
}

main().catch((err: unknown) => {
  console.error(`lockstep: bundling the workflows failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
