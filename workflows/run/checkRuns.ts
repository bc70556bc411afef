/**
 * The release's checks (DESIGN.md, "Checks"): which run at which moment, one run of one check as an
 * activity labelled for the Web UI, and its record in the report (a run per execution, the last
 * run's findings). What a failed check means is the calling phase's to decide. Deterministic code only.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { CheckOutcome, CheckRunMoment } from '../../src/checks/check';
import { checkMoment, checkRunLimitMs, describeMoment, type Check } from '../../src/checks/checkKinds';
import type { Manifest } from '../../src/manifest/schema';
import type { CheckReport } from '../../src/release/releaseReport';
import type { PreflightContext } from './preflightCalls';
import { describeStepFailure } from '../stepFailure';
import type { RunState } from './runState';

const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '5m' });
/** Beyond a run's own timeout, so that the check's clean timeout answers first. */
const TIMEOUT_MARGIN_MS = 30_000;

/** The name of an `{after: [...]}` check's task in the deploy DAG (service names hold no ':'). */
export const checkTaskName = (check: string): string => `check:${check}`;

export class CheckRuns {
  private readonly records = new Map<string, CheckReport>();
  private readonly runCounts = new Map<string, number>();

  constructor(private readonly run: RunState) {
    const checks = run.manifest.spec.checks;
    if (checks.length === 0) return;
    run.report.data.checks = checks.map((c) => ({
      name: c.name,
      kind: c.kind,
      when: describeMoment(checkMoment(c)),
      ...(c.bake ? { bake: c.bake } : {}),
      alsoAfterRollback: c.alsoAfterRollback,
      status: 'pending',
      findings: [],
      runs: [],
    }));
    for (const record of run.report.data.checks) this.records.set(record.name, record);
  }

  /** The checks of one moment, in manifest order; `afterRollback` includes those that say `alsoAfterRollback`. */
  at(moment: 'preflight' | 'final' | 'afterRollback'): Check[] {
    return this.run.manifest.spec.checks.filter((c) => checkMoment(c) === moment || (moment === 'afterRollback' && c.alsoAfterRollback));
  }

  /** The `{after: [...]}` checks with the services they wait for. */
  afterServices(): { check: Check; after: string[] }[] {
    return this.run.manifest.spec.checks.flatMap((check) => {
      const when = checkMoment(check);
      return typeof when === 'object' ? [{ check, after: when.after }] : [];
    });
  }

  /**
   * One run of a check, recorded in the report. Resolves with the outcome (a check that could not
   * run at all is a failed outcome saying why); a cancellation rejects, leaving the record as it was.
   */
  async runOnce(check: Check, moment: CheckRunMoment): Promise<CheckOutcome> {
    const record = this.records.get(check.name)!;
    const runNumber = (this.runCounts.get(check.name) ?? 0) + 1;
    this.runCounts.set(check.name, runNumber);
    const before = { status: record.status, summary: record.summary };
    const startedAt = new Date();
    record.status = 'running';
    let outcome: CheckOutcome;
    try {
      outcome = await runCheckActivity(
        { releaseId: this.run.input.releaseId, environment: this.run.environment, baseDir: this.run.input.baseDir, manifest: this.run.manifest },
        check,
        moment,
        runNumber,
        moment === 'afterRollback' ? this.runningVersions() : targetVersions(this.run.manifest),
      );
    } catch (err) {
      const info = describeStepFailure(err);
      if (info.cancelled) {
        record.status = before.status === 'pending' ? 'skipped' : before.status;
        record.summary = before.summary;
        throw err;
      }
      outcome = { status: 'failed', summary: `the check could not run: ${info.message}`, findings: [] };
    }
    const now = new Date();
    record.status = outcome.status;
    record.summary = outcome.summary;
    record.findings = outcome.findings;
    record.runs.push({ at: startedAt.toISOString(), moment, status: outcome.status, summary: outcome.summary, durationMs: now.getTime() - startedAt.getTime() });
    return outcome;
  }

  /** Service -> the version that runs after the rollback (services removed by it are left out). */
  private runningVersions(): Record<string, string> {
    const versions: Record<string, string> = {};
    for (const s of this.run.report.data.services) {
      const version = s.runningVersion ?? s.previousVersion;
      if (version) versions[s.name] = version;
    }
    return versions;
  }
}

/** Service -> the version that runs once the release succeeds. */
export function targetVersions(manifest: Manifest): Record<string, string> {
  return Object.fromEntries(manifest.spec.services.map((s) => [s.name, s.version]));
}

/** One run of a check as an activity, labelled for the Web UI (the release's checks and the live plan's). */
export function runCheckActivity(ctx: PreflightContext, check: Check, moment: CheckRunMoment, runNumber: number, versions: Record<string, string>): Promise<CheckOutcome> {
  return acts.runCheck.executeWithOptions(
    {
      summary: `check ${check.name} (${check.kind}, ${moment}${runNumber > 1 ? `, run ${runNumber}` : ''})`,
      startToCloseTimeout: checkRunLimitMs(check) + TIMEOUT_MARGIN_MS,
      heartbeatTimeout: '30s',
      retry: { maximumAttempts: 2, initialInterval: '1s' },
    },
    [{
      releaseId: ctx.releaseId,
      environment: ctx.environment,
      baseDir: ctx.baseDir,
      check,
      moment,
      run: runNumber,
      versions,
      services: ctx.manifest.spec.services.map((s) => ({ name: s.name, dependsOn: s.dependsOn })),
    }],
  );
}

/** `check "checkout-flow" failed: 1 of 2 steps failed: ...` */
export function checkFailureMessage(check: Check, outcome: CheckOutcome): string {
  return `check "${check.name}" failed: ${outcome.summary}`;
}
