/**
 * The steps a release runs for one service (read the current version, deploy, probe, restore,
 * verify), each an activity labelled for the Web UI and recorded in the report. Step timeouts come
 * from the target's and probe's own declarations; the workflow knows no kind. Deterministic code only.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { BatchReadResult, ServiceStepInput } from '../../activities/stepInputs';
import { parseDuration } from '../../src/manifest/duration';
import type { Service } from '../../src/manifest/schema';
import type { StepName } from '../../src/release/releaseReport';
import type { ProgramCheckResult } from '../../src/targets/programChecks';
import { targetStepTimeoutMs } from '../../src/targets/targetKinds';
import type { Compensation } from '../compensationStack';
import { describeStepFailure } from '../stepFailure';
import { checkPrograms, readCurrentVersion, readCurrentVersions, READ_ATTEMPTS, serviceStepInput, stepActivityOptions, type PreflightContext } from './preflightCalls';
import type { RunState } from './runState';


const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '5m' });

/** A failed step of one service: what the report's first error and the rollback failures say. */
export class StepFailed extends Error {
  constructor(
    readonly service: string,
    readonly step: StepName,
    message: string,
  ) {
    super(message);
  }
}

export class Steps {
  constructor(private readonly run: RunState) {}

  /** Every service's current version in one activity (the preflight); a failed read comes back as an error. */
  readAll(names: string[]): Promise<BatchReadResult[]> {
    return readCurrentVersions(this.preflight(), names);
  }

  /** Every program the release may run exists and is executable, and every cwd exists (on the worker). */
  checkPrograms(): Promise<ProgramCheckResult> {
    return checkPrograms(this.preflight());
  }

  readCurrent(svc: Service): Promise<string> {
    return this.record(svc, 'current', undefined, () => readCurrentVersion(this.preflight(), svc));
  }

  deploy(svc: Service, previousVersion: string): Promise<unknown> {
    return this.record(svc, 'deploy', svc.version, () =>
      acts.deployVersion.executeWithOptions(
        this.options(`deploy ${svc.name} ${svc.version}`, this.run.manifest.spec.retries.deployAttempts, targetStepTimeoutMs(svc.target)),
        [{ ...this.input(svc), version: svc.version, previousVersion, idempotencyKey: `${this.run.workflowId}:${svc.name}:deploy` }],
      ),
    );
  }

  restore(svc: Service, entry: Compensation): Promise<unknown> {
    return this.record(svc, 'rollback', entry.restoreVersion, () =>
      acts.restoreVersion.executeWithOptions(
        this.options(
          `roll back ${svc.name} to ${entry.restoreVersion || '(remove)'}`,
          this.run.manifest.spec.retries.rollbackAttempts,
          targetStepTimeoutMs(svc.target),
        ),
        [{
          ...this.input(svc),
          version: entry.restoreVersion,
          previousVersion: entry.deployedVersion,
          idempotencyKey: `${this.run.workflowId}:${svc.name}:rollback`,
        }],
      ),
    );
  }

  /** The health gate: `probe` after a deploy, `verify` after a rollback. */
  probe(svc: Service, step: 'probe' | 'verify', version: string): Promise<unknown> {
    const health = svc.health!;
    const summary = `${step === 'probe' ? 'probe' : 'verify restored'} ${svc.name} ${version}`;
    return this.record(svc, step, version, () =>
      acts.probeHealth.executeWithOptions(this.options(summary, READ_ATTEMPTS, parseDuration(health.timeout)!), [
        { ...this.context(), service: svc.name, health, step, version },
      ]),
    );
  }

  /** Runs one step, recording it in the report; a failure becomes a StepFailed (a cancellation stays one). */
  private async record<T>(svc: Service, step: StepName, version: string | undefined, call: () => Promise<T>): Promise<T> {
    const report = this.run.report;
    const record = report.beginStep(svc.name, step, new Date(), version);
    try {
      const result = await call();
      const r = result as { noop?: boolean; attempt?: number; stdoutTail?: string; stderrTail?: string };
      report.endStep(record, new Date(), r?.noop ? 'noop' : 'ok', {
        attempts: r?.attempt,
        stdoutTail: r?.stdoutTail || undefined,
        stderrTail: r?.stderrTail || undefined,
      });
      return result;
    } catch (err) {
      const info = describeStepFailure(err);
      report.endStep(record, new Date(), info.cancelled ? 'cancelled' : 'failed', {
        error: info.cancelled ? undefined : info.message,
        attempts: info.attempts,
        stdoutTail: info.stdoutTail,
        stderrTail: info.stderrTail,
      });
      if (info.cancelled) throw err;
      throw new StepFailed(svc.name, step, info.message);
    }
  }

  private preflight(): PreflightContext {
    return { releaseId: this.run.input.releaseId, environment: this.run.environment, baseDir: this.run.input.baseDir, manifest: this.run.manifest };
  }

  private context(): { releaseId: string; environment: string; baseDir: string } {
    return { releaseId: this.run.input.releaseId, environment: this.run.environment, baseDir: this.run.input.baseDir };
  }

  private input(svc: Service): ServiceStepInput {
    return serviceStepInput(this.preflight(), svc);
  }

  private options(summary: string, maximumAttempts: number, timeoutMs: number): ActivityOptions {
    return stepActivityOptions(this.run.manifest, summary, maximumAttempts, timeoutMs);
  }
}
