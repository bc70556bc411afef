/**
 * Checks as an activity: one run of one check (DESIGN.md, "Checks"). It answers with the outcome
 * and never fails for what the check found wrong; the workflow decides (roll back, Rejected,
 * RollbackFailed). It fails only when the check itself could not run (a bug, a crash of the worker).
 */
import { Context } from '@temporalio/activity';
import type { Check } from '../src/checks/checkKinds';
import type { CheckOutcome, CheckRunMoment, CheckRunner } from '../src/checks/check';
import { createCheck } from '../src/checks/createCheck';
import type { Logger } from '../src/logging/logger';

export interface CheckRunInput {
  releaseId: string;
  environment: string;
  baseDir: string;
  check: Check;
  moment: CheckRunMoment;
  /** 1 = the check's first run in this release. */
  run: number;
  versions: Record<string, string>;
  services: { name: string; dependsOn: string[] }[];
}

export interface CheckActivityDeps {
  /** Default: the built-in kinds (src/checks/createCheck.ts). */
  checkFor?: (check: Check) => CheckRunner;
  logger: Logger;
}

/** Findings kept per run: a check with thousands of items keeps its failures and the first passes. */
const MAX_FINDINGS = 200;
const MAX_MESSAGE = 2000;

export function createCheckActivities({ checkFor = createCheck, logger }: CheckActivityDeps) {
  return {
    async runCheck(input: CheckRunInput): Promise<CheckOutcome> {
      const ctx = Context.current();
      const log = logger.child({ releaseId: input.releaseId, step: 'check', check: input.check.name, moment: input.moment, run: input.run });
      const heartbeat = setInterval(() => ctx.heartbeat(), 1000);
      try {
        const outcome = await checkFor(input.check).run({
          releaseId: input.releaseId,
          environment: input.environment,
          check: input.check.name,
          moment: input.moment,
          run: input.run,
          baseDir: input.baseDir,
          versions: input.versions,
          services: input.services,
          signal: ctx.cancellationSignal,
          heartbeat: () => ctx.heartbeat(),
          logger: log,
        });
        (outcome.status === 'passed' ? log.info.bind(log) : log.warn.bind(log))({ status: outcome.status, findings: outcome.findings.length }, outcome.summary);
        return bounded(outcome);
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}

function bounded(outcome: CheckOutcome): CheckOutcome {
  const failed = outcome.findings.filter((f) => f.status === 'failed');
  const passed = outcome.findings.filter((f) => f.status === 'passed');
  const kept = [...failed, ...passed].slice(0, MAX_FINDINGS);
  const findings = outcome.findings
    .filter((f) => kept.includes(f))
    .map((f) => ({ ...f, message: f.message.slice(0, MAX_MESSAGE) }));
  return { status: outcome.status, summary: outcome.summary.slice(0, MAX_MESSAGE), findings };
}
