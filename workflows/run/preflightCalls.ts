/**
 * The preflight's activity calls, shared by the release's Steps and the live plan (workflows/planLive.ts):
 * every service's current version in one activity, one service's current version, and the program
 * check. They need a manifest and where the release runs, not a release's run state. Deterministic code only.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { BatchReadResult, ServiceStepInput } from '../../activities/stepInputs';
import { parseDuration } from '../../src/manifest/duration';
import type { Manifest, Service } from '../../src/manifest/schema';
import type { ProgramCheckResult } from '../../src/targets/programChecks';
import { STEP_FAILED_FINAL } from '../../src/release/stepFailureTypes';
import { targetStepTimeoutMs } from '../../src/targets/targetKinds';

const HEARTBEAT_TIMEOUT = '10s';
/** Extra time allowed beyond a step's own timeout, so that the step's own clean timeout fires first. */
const TIMEOUT_MARGIN_MS = 30_000;
/** Probes and reads are retried a few times (a worker may die); deploys and rollbacks per the manifest. */
export const READ_ATTEMPTS = 3;

const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '5m' });

/** What the preflight's calls need to know: the manifest, and the release (or plan) they run for. */
export interface PreflightContext {
  releaseId: string;
  environment: string;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
  manifest: Manifest;
}

/** Every service's current version in one activity; a failed read comes back as an error. */
export function readCurrentVersions(ctx: PreflightContext, names: string[]): Promise<BatchReadResult[]> {
  const { maxParallel } = ctx.manifest.spec;
  const byName = new Map(ctx.manifest.spec.services.map((s) => [s.name, s]));
  const slowest = Math.max(...names.map((n) => targetStepTimeoutMs(byName.get(n)!.target)));
  return acts.readCurrentVersions.executeWithOptions(
    {
      summary: `read the current versions of ${names.length} services`,
      startToCloseTimeout: slowest * Math.ceil(names.length / maxParallel) + TIMEOUT_MARGIN_MS,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      retry: { maximumAttempts: 2, initialInterval: initialInterval(ctx.manifest) },
    },
    [{
      releaseId: ctx.releaseId,
      environment: ctx.environment,
      baseDir: ctx.baseDir,
      services: names.map((service) => ({ service, target: byName.get(service)!.target })),
      concurrency: maxParallel,
    }],
  );
}

/** One service's current version, retried per READ_ATTEMPTS. */
export function readCurrentVersion(ctx: PreflightContext, svc: Service): Promise<string> {
  return acts.readCurrentVersion.executeWithOptions(
    stepActivityOptions(ctx.manifest, `read current version of ${svc.name}`, READ_ATTEMPTS, targetStepTimeoutMs(svc.target)),
    [serviceStepInput(ctx, svc)],
  );
}

/** Every program the release may run exists and is executable, and every cwd exists (on the worker). */
export function checkPrograms(ctx: PreflightContext): Promise<ProgramCheckResult> {
  return acts.checkPrograms.executeWithOptions(
    { summary: 'check the programs of every service', startToCloseTimeout: '2m', retry: { maximumAttempts: 3, initialInterval: initialInterval(ctx.manifest) } },
    [{
      releaseId: ctx.releaseId,
      baseDir: ctx.baseDir,
      services: ctx.manifest.spec.services.map((s) => ({ service: s.name, version: s.version, target: s.target, health: s.health })),
      checks: ctx.manifest.spec.checks.flatMap((c) => (c.kind === 'command' ? [{ check: c.name, run: c.run, cwd: c.cwd, env: c.env }] : [])),
    }],
  );
}

export function serviceStepInput(ctx: PreflightContext, svc: Service): ServiceStepInput {
  return { releaseId: ctx.releaseId, environment: ctx.environment, baseDir: ctx.baseDir, service: svc.name, target: svc.target };
}

/** The options of one service's step: its own timeout plus a margin, heartbeats, the manifest's retries. */
export function stepActivityOptions(manifest: Manifest, summary: string, maximumAttempts: number, timeoutMs: number): ActivityOptions {
  return {
    summary,
    startToCloseTimeout: timeoutMs + TIMEOUT_MARGIN_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: {
      maximumAttempts,
      initialInterval: initialInterval(manifest),
      backoffCoefficient: 2,
      maximumInterval: '30s',
      nonRetryableErrorTypes: [STEP_FAILED_FINAL],
    },
  };
}

function initialInterval(manifest: Manifest): number {
  return parseDuration(manifest.spec.retries.initialInterval)!;
}
