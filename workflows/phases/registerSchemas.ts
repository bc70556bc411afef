/**
 * Step 2b, after the preflight and before the first deploy: the schema checks that say
 * `register: true` register the version this release introduces, each a release step whose
 * compensation (delete that version) is recorded once it is known. A refusal fails the release;
 * the rollback deletes what was registered, after every service was restored (newest first).
 */
import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { SchemaCheck } from '../../src/checks/schema/spec';
import { describeStepFailure } from '../stepFailure';
import type { RunState } from '../run/runState';

const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '2m', retry: { maximumAttempts: 3, initialInterval: '1s' } });

function registering(run: RunState): SchemaCheck[] {
  return run.manifest.spec.checks.filter((c): c is SchemaCheck => c.kind === 'schema' && c.register);
}

export async function registerSchemas(run: RunState): Promise<void> {
  for (const check of registering(run)) {
    if (run.failed) return;
    try {
      const input = { releaseId: run.input.releaseId, baseDir: run.input.baseDir, check };
      // what was there before is read first: a registration retried after a timeout finds its own
      // earlier attempt's version, which the rollback must still delete
      const before = await run.cancellable.run(() =>
        acts.findSchemaVersion.executeWithOptions({ summary: `look up ${check.subject} (${check.name})`, startToCloseTimeout: '1m', retry: { maximumAttempts: 3, initialInterval: '1s' } }, [input]),
      );
      const registered = before
        ? before
        : {
            ...(await run.cancellable.run(() =>
              acts.registerSchemaVersion.executeWithOptions(
                { summary: `register ${check.subject} (${check.name})`, startToCloseTimeout: '2m', retry: { maximumAttempts: 3, initialInterval: '1s' } },
                [input],
              ),
            )),
            alreadyRegistered: false,
          };
      run.recordSchemaRegistration(check.name, registered);
    } catch (err) {
      if (isCancellation(err)) return;
      run.fail({ step: 'register', check: check.name, message: describeStepFailure(err).message });
    }
  }
}

/** The compensations of the registrations, newest first; a failure is recorded and the rest still run. */
export async function unregisterSchemas(run: RunState): Promise<void> {
  for (const { check: name, registered } of [...run.schemaRegistrations].reverse()) {
    const check = registering(run).find((c) => c.name === name)!;
    try {
      await acts.deleteSchemaVersion.executeWithOptions(
        { summary: `delete ${registered.subject} version ${registered.version} (${name})`, startToCloseTimeout: '2m', retry: { maximumAttempts: 5, initialInterval: '1s' } },
        [{ releaseId: run.input.releaseId, baseDir: run.input.baseDir, check, registered }],
      );
      run.recordSchemaDeleted(name);
    } catch (err) {
      run.report.data.rollbackFailures.push({ step: 'unregister', check: name, message: `deleting ${registered.subject} version ${registered.version} failed: ${describeStepFailure(err).message}` });
    }
  }
}
