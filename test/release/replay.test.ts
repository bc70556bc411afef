/**
 * Determinism: the stored histories of representative releases replay against today's workflow
 * code. A change that would break a running release fails here; put it behind patched().
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { releaseWorkflowBundle } from '../../workers/releaseWorker';
import { createLockstepMetrics } from '../../src/metrics/lockstepMetrics';
import { releaseMetricsSinks } from '../../src/metrics/releaseMetricsSink';

const DIR = join(__dirname, '..', 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

test('there are stored histories of success, rollback, abort and rollback failure, before and after each patch', () => {
  for (const prefix of ['', 'preflight-', 'lock-']) {
    for (const name of ['abort', 'rollback-failed', 'rollback', 'success']) expect(files).toContain(`${prefix}${name}.json`);
  }
  // after the environment lock: a queued release, its gated holder (with a refused approval), the lock itself, a cancel
  for (const name of ['queued', 'gated', 'environment-lock', 'cancelled']) expect(files).toContain(`lock-${name}.json`);
  // after the saga was rebuilt as phases (PATCHES.sagaPhases): the same set again on the new code
  for (const name of ['abort', 'rollback-failed', 'rollback', 'success', 'queued', 'gated', 'environment-lock', 'cancelled']) {
    expect(files).toContain(`phases-${name}.json`);
  }
  // checks (issue 10) at every moment: a final check that rolls back, and passing checks with a bake
  for (const name of ['rollback', 'success']) expect(files).toContain(`checks-${name}.json`);
  // notifications on the outcome (a receiver that is down)
  expect(files).toContain('notify-rollback.json');
});

test.each(files)('%s replays without nondeterminism', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
  const metrics = createLockstepMetrics(); // registered as a worker does: a replay counts nothing
  await expect(Worker.runReplayHistory({ workflowBundle: await releaseWorkflowBundle(), sinks: releaseMetricsSinks(metrics) }, history, file)).resolves.toBeUndefined();
  expect((await metrics.releases.get()).values).toEqual([]);
});
