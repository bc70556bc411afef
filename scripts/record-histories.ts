/**
 * Records the event histories of representative releases (success, rollback, abort, rollback
 * failure) into test/histories/, for the replay test. Run after a deliberate, patched() change
 * to workflow logic, naming the change:   npm run histories:record -- <prefix>
 * (files become <prefix>success.json and so on; the older files stay, so both branches replay).
 * A comma-separated list after the prefix records only those scenarios:
 *   npm run histories:record -- checks- checks-rollback,checks-success
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startDevServer } from '../src/temporal/devServer';
import { loadManifest } from '../src/manifest/loadManifest';
import { startRelease } from '../src/release/startRelease';
import { abortSignal, approveSignal, approveUpdate, statusQuery } from '../workflows/messages';
import { lockWorkflowId } from '../src/release/environmentLockIds';
import { FakeFleet } from '../test/support/fakeFleet';
import { startTestWorker } from '../test/support/testWorker';
import { waitFor } from '../test/support/waitFor';

const OUT = join(__dirname, '..', 'test', 'histories');
const PREFIX = process.argv[2] ?? '';
const ONLY = process.argv[3]?.split(',').filter(Boolean);
const wanted = (name: string): boolean => ONLY === undefined || ONLY.includes(name);

async function main(): Promise<void> {
  const server = await startDevServer({ headless: true });
  process.env.TEMPORAL_ADDRESS = server.address;
  const worker = await startTestWorker();
  try {
    type Handle = Awaited<ReturnType<typeof startRelease>>['handle'];
    const record = async (name: string, fleet: FakeFleet, manifest: unknown, during?: (h: Handle) => Promise<void>) => {
      if (!wanted(name)) return;
      const { handle } = await startRelease(worker.client, loadManifest(fleet.writeManifest(manifest, `${name}.json`)), worker.taskQueue);
      await during?.(handle);
      const report = await handle.result();
      writeFileSync(join(OUT, `${PREFIX}${name}.json`), historyToJSON(await handle.fetchHistory()));
      console.log(`${name}: ${report.status}`);
    };

    const ok = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    await record('success', ok, ok.manifest('success', [ok.service('a', '2.0.0'), ok.service('b', '2.0.0', { dependsOn: ['a'] }), ok.service('c', '2.0.0', { dependsOn: ['a'] })]));

    const rb = new FakeFleet({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    rb.env.UNHEALTHY = 'c@2.0.0';
    await record('rollback', rb, rb.manifest('rollback', rb.chain(['a', 'b', 'c'], '2.0.0')));

    const ab = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    ab.env.DEPLOY_DELAY_MS = '60000';
    ab.env.DEPLOY_DELAY_FOR = 'b';
    await record('abort', ab, ab.manifest('abort', [ab.service('a', '2.0.0'), ab.service('b', '2.0.0', { dependsOn: ['a'] })]), async (handle) => {
      await waitFor(() => ab.events().some((e) => e.startsWith('deploy-start b')), 'b to start');
      await handle.signal(abortSignal, { reason: 'recorded abort' });
    });

    const rf = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    rf.env.UNHEALTHY = 'b@2.0.0';
    rf.env.FAIL_ROLLBACK = 'a';
    await record('rollback-failed', rf, rf.manifest('rollback-failed', [rf.service('a', '2.0.0'), rf.service('b', '2.0.0', { dependsOn: ['a'] })]));

    // A gated release holds the environment; one more waits Queued behind it, then runs. A refused
    // approval (update) is recorded on the way. The lock workflow's own history is kept too.
    if (wanted('queued')) {
    const q = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    const holderManifest = q.manifest('gated', [q.service('a', '2.0.0')], { gates: [{ name: 'go', before: ['a'], approvers: ['alice'], timeout: '10m' }] });
    const { handle: holder } = await startRelease(worker.client, loadManifest(q.writeManifest(holderManifest, 'gated.json')), worker.taskQueue);
    await waitFor(async () => (await holder.query(statusQuery)).status === 'AwaitingApproval', 'the gated release to wait for approval');
    await record('queued', q, q.manifest('queued', [q.service('b', '2.0.0')]), async (queued: Handle) => {
      await waitFor(async () => (await queued.query(statusQuery)).status === 'Queued', 'the second release to be queued');
      await holder.executeUpdate(approveUpdate, { args: [{ gate: 'go', by: 'mallory' }] }).catch(() => undefined);
      await holder.signal(approveSignal, { gate: 'go', by: 'alice' });
    });
    writeFileSync(join(OUT, `${PREFIX}gated.json`), historyToJSON(await holder.fetchHistory()));
    const lock = worker.client.workflow.getHandle(lockWorkflowId('test', worker.taskQueue));
    writeFileSync(join(OUT, `${PREFIX}environment-lock.json`), historyToJSON(await lock.fetchHistory()));
    console.log('gated and environment-lock recorded');
    }

    // A Temporal cancel request rolls the release back.
    const c = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    c.env.DEPLOY_DELAY_MS = '60000';
    c.env.DEPLOY_DELAY_FOR = 'b';
    await record('cancelled', c, c.manifest('cancelled', [c.service('a', '2.0.0'), c.service('b', '2.0.0', { dependsOn: ['a'] })]), async (handle) => {
      await waitFor(() => c.events().some((e) => e.startsWith('deploy-start b')), 'b to start');
      await handle.cancel();
    });

    // Checks at every moment: a final check fails, everything rolls back, the check passes after
    // the rollback; and a release whose checks pass, with a bake round.
    const cr = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    cr.env.FAIL_CHECK_WHEN = 'b@2.0.0';
    cr.env.FAIL_CHECK_NAMES = 'flow';
    const checks = (f: FakeFleet) => [
      f.check('contracts', { when: 'preflight' }),
      f.check('a-contract', { when: { after: ['a'] } }),
      f.check('flow', { alsoAfterRollback: true, bake: '1s', interval: '200ms' }),
      f.check('restored', { when: 'afterRollback' }),
    ];
    await record('checks-rollback', cr, cr.manifest('checks-rollback', cr.chain(['a', 'b'], '2.0.0'), { checks: checks(cr) }));
    const cs = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
    await record('checks-success', cs, cs.manifest('checks-success', cs.chain(['a', 'b'], '2.0.0'), { checks: checks(cs) }));

    // Notifications on the outcome: one to a receiver that is down (retried, recorded as failed).
    const nf = new FakeFleet({ a: '1.0.0' });
    nf.env.FAIL_DEPLOY = 'a';
    await record('notify-rollback', nf, nf.manifest('notify-rollback', [nf.service('a', '2.0.0')], { notify: [{ kind: 'webhook', url: 'http://127.0.0.1:9/hook' }] }));
  } finally {
    await worker.stop();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
