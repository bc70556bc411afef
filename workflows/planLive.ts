/**
 * The live plan: the release's preflight run for a manifest and nothing else (`lockstep plan
 * --live`, `lockstep release --dry-run`). On a worker, as a release would: every program checked,
 * every current version read (a failed read retried alone, as the preflight does). It takes no
 * environment lock, deploys nothing, and is a workflow type of its own, so lists of releases never
 * show it. Every check runs to its end, so the plan names every problem, not only the first.
 * Deterministic code only.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { LivePlan, LivePlanInput, LivePlanService, PreflightVerdict } from '../src/plan/livePlan';
import type { ProgramCheckResult } from '../src/targets/programChecks';
import { describeFindings } from './phases/preflight';
import { validateAndPlan } from './phases/validateAndPlan';
import { checkPrograms, readCurrentVersion, readCurrentVersions, type PreflightContext } from './run/preflightCalls';
import { describeStepFailure } from './stepFailure';
import { checkMoment } from '../src/checks/checkKinds';
import { checkFailureMessage, runCheckActivity, targetVersions } from './run/checkRuns';

export type { LivePlan, LivePlanInput } from '../src/plan/livePlan';

/** At most this many checked programs are listed in the result (the count is always whole). */
const LISTED_PROGRAMS_MAX = 2_000;

export async function planLive(input: LivePlanInput): Promise<LivePlan> {
  const { manifest, plan } = validateAndPlan(input);
  const environment = manifest.metadata.environment;
  const ctx: PreflightContext = { releaseId: input.planId, environment, baseDir: input.baseDir, manifest };
  const byName = new Map(manifest.spec.services.map((s) => [s.name, s]));

  const [checkVerdicts, programs, batch] = await Promise.all([
    // the preflight checks, as the release would run them (they touch nothing)
    Promise.all(
      manifest.spec.checks
        .filter((c) => checkMoment(c) === 'preflight')
        .map((check) =>
          runCheckActivity(ctx, check, 'preflight', 1, targetVersions(manifest)).then(
            (outcome): PreflightVerdict => ({ check: `check ${check.name}`, passed: outcome.status === 'passed', detail: outcome.status === 'passed' ? outcome.summary : checkFailureMessage(check, outcome) }),
            (err: unknown): PreflightVerdict => ({ check: `check ${check.name}`, passed: false, detail: `the check could not run: ${describeStepFailure(err).message}` }),
          ),
        ),
    ),
    checkPrograms(ctx).then(
      (result): ProgramCheckResult | string => result,
      (err: unknown) => `the program check failed: ${describeStepFailure(err).message}`,
    ),
    readCurrentVersions(ctx, plan.startOrder).catch(() => []), // [] = read them one by one below
  ]);
  const current = new Map<string, { version?: string; error?: string }>();
  for (const r of batch) if (r.version !== undefined) current.set(r.service, { version: r.version });
  const unread = plan.startOrder.filter((name) => !current.has(name));
  const { maxParallel } = manifest.spec;
  for (let i = 0; i < unread.length; i += maxParallel) {
    await Promise.all(
      unread.slice(i, i + maxParallel).map(async (name) => {
        try {
          current.set(name, { version: await readCurrentVersion(ctx, byName.get(name)!) });
        } catch (err) {
          current.set(name, { error: describeStepFailure(err).message });
        }
      }),
    );
  }

  const services: LivePlanService[] = plan.waves.flatMap((wave, i) =>
    wave.map((name): LivePlanService => {
      const target = byName.get(name)!.version;
      const read = current.get(name)!;
      if (read.version === undefined) return { name, wave: i + 1, target, change: 'unknown', readError: read.error };
      return { name, wave: i + 1, current: read.version, target, change: read.version === target ? 'unchanged' : 'deploy' };
    }),
  );
  const checks: PreflightVerdict[] = [programsVerdict(programs), versionsVerdict(services), ...checkVerdicts];
  const failed = checks.find((c) => !c.passed);
  return {
    planId: input.planId,
    workflowId: workflowInfo().workflowId,
    environment,
    wouldStart: failed === undefined,
    ...(failed ? { rejection: failed.detail } : {}),
    waves: plan.waves,
    services,
    programs:
      typeof programs === 'string'
        ? { checked: 0, findings: [], list: [] }
        : { checked: programs.checked.length, findings: programs.findings, list: programs.checked.slice(0, LISTED_PROGRAMS_MAX) },
    checks,
  };
}

function programsVerdict(programs: ProgramCheckResult | string): PreflightVerdict {
  if (typeof programs === 'string') return { check: 'programs', passed: false, detail: programs };
  if (programs.findings.length > 0) return { check: 'programs', passed: false, detail: describeFindings(programs.findings) };
  return { check: 'programs', passed: true, detail: `${programs.checked.length} checked, all present and executable` };
}

function versionsVerdict(services: LivePlanService[]): PreflightVerdict {
  const unread = services.filter((s) => s.change === 'unknown');
  if (unread.length === 0) return { check: 'current versions', passed: true, detail: `${services.length} read` };
  const lines = unread.slice(0, 5).map((s) => `${s.name}: cannot read the current version: ${s.readError ?? 'no answer'}`);
  return { check: 'current versions', passed: false, detail: `${lines.join('; ')}${unread.length > 5 ? `; and ${unread.length - 5} more` : ''}` };
}
