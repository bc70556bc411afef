/**
 * Activities that read and change what runs: read the current version, deploy, restore.
 * Built from injected dependencies so tests can hand them real local targets.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Target } from '../src/manifest/schema';
import type { DeployTarget, StepContext, StepOutput } from '../src/targets/deployTarget';
import { StepError } from '../src/targets/deployTarget';
import type { Logger } from '../src/logging/logger';
import { STEP_FAILED, STEP_FAILED_FINAL } from '../src/release/stepFailureTypes';
import type {
  BatchReadInput,
  BatchReadResult,
  ServiceStepInput,
  StepFailureDetails,
  VersionChangeInput,
  VersionChangeResult,
} from './stepInputs';

export interface TargetActivityDeps {
  targetFor: (spec: Target) => DeployTarget;
  logger: Logger;
}

export function createTargetActivities({ targetFor, logger }: TargetActivityDeps) {
  function stepContext(input: ServiceStepInput, idempotencyKey: string): StepContext {
    const ctx = Context.current();
    return {
      releaseId: input.releaseId,
      environment: input.environment,
      service: input.service,
      idempotencyKey,
      runId: ctx.info.workflowExecution?.runId,
      signal: ctx.cancellationSignal,
      heartbeat: (details?: unknown) => ctx.heartbeat(details),
      baseDir: input.baseDir,
    };
  }

  async function change(
    step: 'deploy' | 'rollback',
    input: VersionChangeInput,
  ): Promise<VersionChangeResult> {
    const attempt = Context.current().info.attempt;
    const log = logger.child({ releaseId: input.releaseId, service: input.service, step, attempt });
    log.info({ version: input.version, previousVersion: input.previousVersion }, `${step} started`);
    const target = targetFor(input.target);
    const ctx = stepContext(input, input.idempotencyKey);
    let output: StepOutput;
    try {
      const args = { version: input.version, previousVersion: input.previousVersion };
      output = step === 'deploy' ? await target.deploy(ctx, args) : await target.rollback(ctx, args);
    } catch (err) {
      throw toFailure(err, attempt, log);
    }
    log.info({ noop: output.noop }, `${step} done`);
    return { ...output, attempt };
  }

  return {
    async readCurrentVersion(input: ServiceStepInput): Promise<string> {
      const attempt = Context.current().info.attempt;
      const log = logger.child({ releaseId: input.releaseId, service: input.service, step: 'current', attempt });
      try {
        const version = await targetFor(input.target).current(stepContext(input, `${input.releaseId}:${input.service}:current`));
        log.info({ current: version }, 'current version read');
        return version;
      } catch (err) {
        throw toFailure(err, attempt, log);
      }
    },
    /** The preflight: every service's current version in one activity; failures are returned, not thrown. */
    async readCurrentVersions(input: BatchReadInput): Promise<BatchReadResult[]> {
      const ctx = Context.current();
      const log = logger.child({ releaseId: input.releaseId, step: 'preflight', attempt: ctx.info.attempt });
      const results: BatchReadResult[] = new Array(input.services.length);
      let next = 0;
      const beat = setInterval(() => ctx.heartbeat({ read: next }), 1000);
      const lane = async (): Promise<void> => {
        while (next < input.services.length && !ctx.cancellationSignal.aborted) {
          const i = next++;
          const { service, target } = input.services[i]!;
          const one: ServiceStepInput = { releaseId: input.releaseId, environment: input.environment, baseDir: input.baseDir, service, target };
          try {
            results[i] = { service, version: await targetFor(target).current(stepContext(one, `${input.releaseId}:${service}:current`)) };
          } catch (err) {
            results[i] = { service, error: err instanceof Error ? err.message : String(err) };
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, input.services.length)) }, lane));
      } finally {
        clearInterval(beat);
      }
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      const failed = results.filter((r) => r.error).length;
      log.info({ services: results.length, failed }, 'current versions read');
      return results;
    },
    async deployVersion(input: VersionChangeInput): Promise<VersionChangeResult> {
      return change('deploy', input);
    },
    async restoreVersion(input: VersionChangeInput): Promise<VersionChangeResult> {
      return change('rollback', input);
    },
  };
}

/** A step error as a Temporal failure: message for the report, tails and attempt as details. */
function toFailure(err: unknown, attempt: number, log: Logger): unknown {
  if (Context.current().cancellationSignal.aborted) {
    log.warn('step cancelled');
    return err; // let the SDK report the cancellation
  }
  const message = err instanceof Error ? err.message : String(err);
  const details: StepFailureDetails = {
    attempt,
    stdoutTail: err instanceof StepError ? err.stdoutTail : '',
    stderrTail: err instanceof StepError ? err.stderrTail : '',
  };
  const final = err instanceof StepError && !err.retryable;
  log.warn({ err: message, final }, 'step failed');
  return ApplicationFailure.create({
    message,
    type: final ? STEP_FAILED_FINAL : STEP_FAILED,
    nonRetryable: final,
    details: [details],
  });
}
