/**
 * The preflight's program check as an activity: on the worker, where the commands will run, every
 * program a release may run exists and is executable and every working directory exists. It
 * answers with findings and never fails for one; the workflow decides (Rejected, nothing touched).
 */
import type { Logger } from '../src/logging/logger';
import { checkCheckPrograms, checkServicePrograms, type CheckProgram, type ProgramCheckResult, type ServicePrograms } from '../src/targets/programChecks';

export interface ProgramCheckInput {
  releaseId: string;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
  services: ServicePrograms[];
  /** The `command` checks' programs (absent from releases started before checks existed). */
  checks?: CheckProgram[];
}

export interface ProgramCheckActivityDeps {
  logger: Logger;
}

export function createProgramCheckActivities({ logger }: ProgramCheckActivityDeps) {
  return {
    async checkPrograms(input: ProgramCheckInput): Promise<ProgramCheckResult> {
      const services = checkServicePrograms(input.services, input.baseDir);
      const checks = checkCheckPrograms(input.checks ?? [], input.baseDir);
      const result: ProgramCheckResult = { checked: [...services.checked, ...checks.checked], findings: [...services.findings, ...checks.findings] };
      const log = logger.child({ releaseId: input.releaseId, step: 'preflight' });
      for (const f of result.findings) log.warn({ service: f.service, what: f.what, path: f.path, problem: f.problem }, 'program check failed');
      log.info({ checked: result.checked.length, findings: result.findings.length }, 'programs checked');
      return result;
    },
  };
}
