/**
 * FROZEN: the v1 release saga, kept only so that releases started before the `saga-phases` patch
 * replay and finish on the code they started with (workflows/patches.ts). Do not change its
 * behaviour; new behaviour goes into the phases saga (workflows/release.ts). Removed once the
 * patch is deprecated.
 *
 * The release saga (DESIGN.md, "The release saga"):
 *   1. validate and plan;  3. deploy in dependency order, pushing each compensation before its deploy;
 *   4. on failure or abort: cancel what is in flight, let it settle, compensate newest first;
 *   5. probe every restored service again;  6. return the report.
 * Deterministic code only.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { ProbeInput, ServiceStepInput } from '../../activities/stepInputs';
import { STEP_FAILED_FINAL } from '../../src/release/stepFailureTypes';
import { Manifest, type Service } from '../../src/manifest/schema';
import { formatManifestErrors } from '../../src/manifest/manifestErrors';
import { parseDuration } from '../../src/manifest/duration';
import { planRelease } from '../../src/plan/planRelease';
import type { ReleaseReport, StepName } from '../../src/release/releaseReport';
import { FINAL_STATUSES, type ReleaseStatus } from '../../src/release/releaseStatus';
import {
  LockstepEnvironment,
  LockstepReleaseId,
  LockstepServices,
  LockstepStatus,
  servicesSearchValue,
} from '../../src/temporal/searchAttributes';
import { CompensationStack, type Compensation } from '../compensationStack';
import { LiveReport } from '../liveReport';
import { abortSignal, abortUpdate, approveSignal, approveUpdate, pauseSignal, resumeSignal, statusQuery } from '../messages';
import { ApprovalGates } from '../approvalGates';
import { describeStepFailure } from '../stepFailure';
import { EnvironmentTurn } from '../environmentTurn';
import { PATCHES } from '../patches';
import type { ReleaseInput } from '../releaseInput';
import { targetStepTimeoutMs } from '../../src/targets/targetKinds';
import type { UndecodablePayload } from '../../src/temporal/tolerantPayloadConverter';


const HEARTBEAT_TIMEOUT = '10s';
const PREFLIGHT_PATCH = PATCHES.preflightCurrentVersions.id;
const CANCEL_ROLLS_BACK_PATCH = PATCHES.cancelRollsBack.id;
const ENVIRONMENT_LOCK_PATCH = PATCHES.environmentLock.id;
/** Extra time the orchestrator allows beyond a step's own timeout, so the step's own clean timeout fires first. */
const TIMEOUT_MARGIN_MS = 30_000;

const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '5m' });

/** A failed step of one service, carried to the saga's failure handling. */
class ServiceStepError extends Error {
  constructor(
    readonly service: string,
    readonly step: StepName,
    message: string,
  ) {
    super(message);
  }
}

export async function releaseV1(input: ReleaseInput): Promise<ReleaseReport> {
  if (!patched(CANCEL_ROLLS_BACK_PATCH)) return runRelease(input, {});
  const controls: ReleaseControls = {};
  CancellationScope.current().cancelRequested.catch(() => controls.abort?.('cancel requested through Temporal'));
  return CancellationScope.nonCancellable(() => runRelease(input, controls));
}

/** Lets the entry point reach the saga's abort. */
interface ReleaseControls {
  abort?: (reason: string) => void;
}

async function runRelease(input: ReleaseInput, controls: ReleaseControls): Promise<ReleaseReport> {
  // 1. Validate and plan (again: the workflow input is a contract of its own).
  const parsed = Manifest.safeParse(input.manifest);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid manifest: ${formatManifestErrors(parsed.error).join('; ')}`, 'InvalidManifest');
  }
  const manifest = parsed.data;
  const plan = planRelease(manifest);
  const { workflowId } = workflowInfo();
  const report = new LiveReport(manifest, { releaseId: input.releaseId, workflowId }, new Date());
  const services = new Map(manifest.spec.services.map((s) => [s.name, s]));
  const maxParallel = manifest.spec.maxParallel;
  const retries = manifest.spec.retries;
  const stack = new CompensationStack();
  const gates = new ApprovalGates(manifest.spec.gates, report, () => patched(PATCHES.approvalNeedsApprover.id));

  let paused = false;
  let failure: ServiceStepError | undefined;
  let rollingBack = false;
  let wake = 0; // bumped on every event the scheduler must look at
  const deployScope = new CancellationScope();

  // --- operator controls -------------------------------------------------------------------
  setHandler(statusQuery, () => report.data);
  const requestAbort = (reason: string): string => {
    if (FINAL_STATUSES.includes(report.data.status)) return `release already ended ${report.data.status}`;
    if (rollingBack || failure) return 'rollback already under way';
    report.data.abort = { reason, at: new Date().toISOString() };
    failure = new ServiceStepError('', 'deploy', `aborted: ${reason}`);
    report.recordFirstError({ step: 'abort', message: `aborted by operator: ${reason}` });
    deployScope.cancel();
    wake++;
    return stack.size === 0 ? 'abort accepted: nothing was touched yet; the release ends Rejected' : 'abort accepted: rolling back';
  };
  controls.abort = (reason) => void requestAbort(reason);
  setHandler(abortSignal, (req) => {
    // a payload the worker could not decode says nothing an operator meant: ignore it
    if ((req as unknown as UndecodablePayload)?.undecodablePayload) return;
    void requestAbort(String(req?.reason ?? 'no reason given'));
  });
  setHandler(abortUpdate, (req) => requestAbort(req.reason), {
    validator: (req) => {
      if (typeof req?.reason !== 'string' || req.reason.trim() === '') throw new Error('abort needs a non-empty reason');
      if (FINAL_STATUSES.includes(report.data.status)) throw new Error(`release already ended ${report.data.status}`);
    },
  });
  setHandler(pauseSignal, () => {
    paused = true;
    wake++;
  });
  setHandler(resumeSignal, () => {
    paused = false;
    wake++;
  });
  setHandler(approveSignal, (req) => {
    gates.approve(req, new Date());
    wake++;
  });
  setHandler(approveUpdate, (req) => {
    const { accepted, message } = gates.approve(req, new Date());
    wake++;
    // a refusal that passed the validator (someone not on the approvers list) is recorded, then answered
    if (!accepted) throw ApplicationFailure.nonRetryable(message, 'ApprovalRefused');
    return message;
  }, { validator: (req) => gates.validateApproval(req) });

  const setStatus = (status: ReleaseStatus): void => {
    if (report.data.status === status) return;
    report.setStatus(status);
    upsertSearchAttributes([{ key: LockstepStatus, value: status }]);
  };
  // --- one release at a time per environment: wait for the turn (Queued), or be refused ----
  const turn = new EnvironmentTurn(manifest.metadata.environment, input.releaseId, (queued) => {
    report.data.queue = { behind: queued.holder, ahead: queued.ahead, since: new Date().toISOString() };
    if (!failure) setStatus('Queued');
  });
  const environmentLock = patched(ENVIRONMENT_LOCK_PATCH);
  if (environmentLock) await waitForTurn();

  const preflight = patched(PREFLIGHT_PATCH);
  const firstStatus: ReleaseStatus = preflight ? 'Preflight' : 'Deploying';
  if (!(environmentLock && failure)) {
    upsertSearchAttributes([
      { key: LockstepReleaseId, value: input.releaseId },
      { key: LockstepEnvironment, value: manifest.metadata.environment },
      { key: LockstepServices, value: servicesSearchValue(plan.startOrder) },
      { key: LockstepStatus, value: firstStatus },
    ]);
    report.setStatus(firstStatus);
  }

  async function waitForTurn(): Promise<void> {
    await turn.request(input.queue !== false);
    await condition(() => turn.result !== undefined || failure !== undefined);
    const answer = turn.result;
    if (answer?.granted && report.data.queue) report.data.queue.grantedAt = new Date().toISOString();
    if (answer && !answer.granted && !failure) {
      const message = `environment "${manifest.metadata.environment}" is busy: ${answer.holder} holds it; release without --no-queue to wait for its turn`;
      failure = new ServiceStepError('', 'deploy', message);
      report.recordFirstError({ step: 'queue', message });
    }
  }

  /** The end of every path: give the environment back, let handlers finish, return the report. */
  async function end(): Promise<ReleaseReport> {
    await turn.free();
    await condition(allHandlersFinished);
    return report.data;
  }

  // --- 3. deploy in dependency order --------------------------------------------------------
  const stepInput = (svc: Service): ServiceStepInput => ({
    releaseId: input.releaseId,
    environment: manifest.metadata.environment,
    baseDir: input.baseDir,
    service: svc.name,
    target: svc.target,
  });
  const targetTimeoutMs = (svc: Service): number => targetStepTimeoutMs(svc.target);
  const stepOptions = (_svc: Service, summary: string, maximumAttempts: number, timeoutMs: number): ActivityOptions => ({
    summary,
    startToCloseTimeout: timeoutMs + TIMEOUT_MARGIN_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: {
      maximumAttempts,
      initialInterval: parseDuration(retries.initialInterval)!,
      backoffCoefficient: 2,
      maximumInterval: '30s',
      nonRetryableErrorTypes: [STEP_FAILED_FINAL],
    },
  });

  /** Runs one step, recording it in the report; a failure becomes a ServiceStepError. */
  async function step<T>(svc: Service, name: StepName, version: string | undefined, run: () => Promise<T>): Promise<T> {
    const record = report.beginStep(svc.name, name, new Date(), version);
    try {
      const result = await run();
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
      throw new ServiceStepError(svc.name, name, info.message);
    }
  }

  async function deployService(svc: Service): Promise<void> {
    const timeout = targetTimeoutMs(svc);
    report.setServiceStatus(svc.name, 'Deploying');
    const previousVersion = preflight ? currentVersions.get(svc.name)! : await readCurrentVersion(svc);
    const entry = report.service(svc.name);
    entry.previousVersion = previousVersion;
    entry.runningVersion = previousVersion;
    // The compensation goes on the stack before the deploy starts: a deploy that times out may have half-applied.
    stack.push({ service: svc.name, restoreVersion: previousVersion, deployedVersion: svc.version });
    await step(svc, 'deploy', svc.version, () =>
      acts.deployVersion.executeWithOptions(
        stepOptions(svc, `deploy ${svc.name} ${svc.version}`, retries.deployAttempts, timeout),
        [{ ...stepInput(svc), version: svc.version, previousVersion, idempotencyKey: `${workflowId}:${svc.name}:deploy` }],
      ),
    );
    entry.runningVersion = svc.version;
    if (svc.health) {
      report.setServiceStatus(svc.name, 'Probing');
      await probe(svc, 'probe', svc.version);
    }
    report.setServiceStatus(svc.name, 'Succeeded');
  }

  function probe(svc: Service, name: 'probe' | 'verify', version: string) {
    const health = svc.health!;
    const probeInput: ProbeInput = {
      releaseId: input.releaseId,
      environment: manifest.metadata.environment,
      baseDir: input.baseDir,
      service: svc.name,
      health,
      step: name,
      version,
    };
    const summary = `${name === 'probe' ? 'probe' : 'verify restored'} ${svc.name} ${version}`;
    return step(svc, name, version, () =>
      acts.probeHealth.executeWithOptions(stepOptions(svc, summary, 3, parseDuration(health.timeout)!), [probeInput]),
    );
  }

  function readCurrentVersion(svc: Service): Promise<string> {
    return step(svc, 'current', undefined, () =>
      acts.readCurrentVersion.executeWithOptions(
        stepOptions(svc, `read current version of ${svc.name}`, 3, targetTimeoutMs(svc)),
        [stepInput(svc)],
      ),
    );
  }

  // --- 2. preflight: read every current version before anything is touched ------------------
  const currentVersions = new Map<string, string>();
  if (preflight && !(environmentLock && failure)) {
    // One activity reads every current version (maxParallel at a time inside it): the preflight costs
    // one round trip, not one per service. A read that failed there is retried alone, with its retry policy.
    const batchStarted = new Date();
    const batch = await deployScope
      .run(() =>
        acts.readCurrentVersions.executeWithOptions(
          {
            summary: `read the current versions of ${services.size} services`,
            startToCloseTimeout: Math.max(...[...services.values()].map(targetTimeoutMs)) * Math.ceil(services.size / maxParallel) + TIMEOUT_MARGIN_MS,
            heartbeatTimeout: HEARTBEAT_TIMEOUT,
            retry: { maximumAttempts: 2, initialInterval: parseDuration(retries.initialInterval)! },
          },
          [{
            releaseId: input.releaseId,
            environment: manifest.metadata.environment,
            baseDir: input.baseDir,
            services: plan.startOrder.map((name) => ({ service: name, target: services.get(name)!.target })),
            concurrency: maxParallel,
          }],
        ),
      )
      .catch((err: unknown) => {
        if (!isCancellation(err)) return []; // read them one by one below
        return undefined;
      });
    for (const result of batch ?? []) {
      if (result.version === undefined) continue;
      const record = report.beginStep(result.service, 'current', batchStarted);
      report.endStep(record, new Date(), 'ok', { version: result.version, attempts: 1 });
      currentVersions.set(result.service, result.version);
      const entry = report.service(result.service);
      entry.previousVersion = result.version;
      entry.runningVersion = result.version;
    }
    const pending = batch === undefined ? [] : plan.startOrder.filter((name) => !currentVersions.has(name));
    const reading = new Set<Promise<void>>();
    while ((pending.length > 0 && !failure) || reading.size > 0) {
      while (reading.size < maxParallel && pending.length > 0 && !failure) {
        const svc = services.get(pending.shift()!)!;
        const read: Promise<void> = deployScope
          .run(() => readCurrentVersion(svc))
          .then(
            (version) => {
              currentVersions.set(svc.name, version);
              const entry = report.service(svc.name);
              entry.previousVersion = version;
              entry.runningVersion = version;
            },
            (err: unknown) => {
              if (isCancellation(err) || failure) return;
              const stepErr = err instanceof ServiceStepError ? err : new ServiceStepError(svc.name, 'current', String(err));
              failure = stepErr;
              report.setServiceStatus(svc.name, 'Failed');
              report.recordFirstError({ service: stepErr.service, step: stepErr.step, message: stepErr.message });
              deployScope.cancel();
            },
          )
          .finally(() => reading.delete(read));
        reading.add(read);
      }
      if (reading.size > 0) await Promise.race(reading);
    }
    if (!failure) setStatus('Deploying');
  }

  const succeeded = new Set<string>();
  const started = new Set<string>();
  const inFlight = new Set<string>();
  const launch = (svc: Service): void => {
    started.add(svc.name);
    inFlight.add(svc.name);
    deployScope
      .run(() => deployService(svc))
      .then(
        () => succeeded.add(svc.name),
        (err: unknown) => {
          if (isCancellation(err)) {
            report.setServiceStatus(svc.name, 'Cancelled');
            return;
          }
          report.setServiceStatus(svc.name, 'Failed');
          const stepErr = err instanceof ServiceStepError ? err : new ServiceStepError(svc.name, 'deploy', String(err));
          if (!failure) {
            failure = stepErr;
            report.recordFirstError({ service: stepErr.service, step: stepErr.step, message: stepErr.message });
            deployScope.cancel(); // 4. cancel what is in flight; the loop below lets it settle
          }
        },
      )
      .finally(() => {
        inFlight.delete(svc.name);
        wake++;
      });
  };

  const gateTimers = new Set<string>();
  const startGateTimer = (gateName: string, timeoutMs: number): void => {
    if (gateTimers.has(gateName)) return;
    gateTimers.add(gateName);
    void sleep(timeoutMs).then(() => {
      if (gates.expire(gateName) && !failure) {
        failure = new ServiceStepError('', 'deploy', `approval gate "${gateName}" timed out`);
        report.recordFirstError({ step: 'gate', message: `approval gate "${gateName}" was not approved within ${manifest.spec.gates.find((g) => g.name === gateName)!.timeout}` });
        deployScope.cancel();
      }
      wake++;
    });
  };

  while (true) {
    if (!failure && !paused) {
      for (const name of plan.startOrder) {
        if (inFlight.size >= maxParallel) break;
        if (started.has(name)) continue;
        const svc = services.get(name)!;
        if (!svc.dependsOn.every((d) => succeeded.has(d))) continue;
        const blocking = gates.blockingGates(name);
        if (blocking.length > 0) {
          for (const gate of blocking) startGateTimer(gate.name, gates.open(gate.name));
          continue;
        }
        launch(svc);
      }
    }
    if (inFlight.size === 0 && (failure || succeeded.size === services.size)) break;
    if (!failure) setStatus(paused ? 'Paused' : gates.anyOpen() && inFlight.size === 0 ? 'AwaitingApproval' : 'Deploying');
    const seen = wake;
    await condition(() => wake !== seen);
  }

  if (!failure) {
    report.finish('Succeeded', new Date());
    upsertSearchAttributes([{ key: LockstepStatus, value: 'Succeeded' }]);
    return end();
  }

  for (const name of plan.startOrder) {
    if (!started.has(name)) report.setServiceStatus(name, 'Skipped');
  }
  if (stack.size === 0) {
    // Nothing was touched: the release is refused rather than rolled back.
    report.finish('Rejected', new Date());
    upsertSearchAttributes([{ key: LockstepStatus, value: 'Rejected' }]);
    return end();
  }

  // --- 4. compensate newest first, in a scope cancellation cannot interrupt ------------------
  rollingBack = true;
  setStatus('RollingBack');
  const rollbackStartedAt = new Date();
  await CancellationScope.nonCancellable(async () => {
    const restored = await compensate(stack.unwindOrder());
    // --- 5. the system must be shown healthy on its previous versions -------------------------
    await verifyRestored(restored);
  });
  const final: ReleaseStatus = report.data.rollbackFailures.length > 0 ? 'RollbackFailed' : 'RolledBack';
  report.finish(final, new Date(), rollbackStartedAt);
  upsertSearchAttributes([{ key: LockstepStatus, value: final }]);
  return end();

  /** Runs compensations newest first; one waits for the compensations of its dependents. */
  async function compensate(entries: Compensation[]): Promise<Compensation[]> {
    const onStack = new Set(entries.map((e) => e.service));
    const finished = new Set<string>();
    const running = new Set<Promise<void>>();
    const restored: Compensation[] = [];
    for (const entry of entries) {
      const waitFor = plan.dependents[entry.service]!.filter((d) => onStack.has(d));
      await condition(() => running.size < maxParallel && waitFor.every((d) => finished.has(d)));
      report.data.compensationOrder.push(entry.service);
      const run: Promise<void> = compensateOne(entry)
        .then((ok) => {
          if (ok) restored.push(entry);
        })
        .finally(() => {
          finished.add(entry.service);
          running.delete(run);
        });
      running.add(run);
    }
    await Promise.all(running);
    return restored;
  }

  async function compensateOne(entry: Compensation): Promise<boolean> {
    const svc = services.get(entry.service)!;
    const current = report.service(svc.name);
    current.status = 'RollingBack';
    try {
      await step(svc, 'rollback', entry.restoreVersion, () =>
        acts.restoreVersion.executeWithOptions(
          stepOptions(svc, `roll back ${svc.name} to ${entry.restoreVersion || '(remove)'}`, retries.rollbackAttempts, targetTimeoutMs(svc)),
          [{
            ...stepInput(svc),
            version: entry.restoreVersion,
            previousVersion: entry.deployedVersion,
            idempotencyKey: `${workflowId}:${svc.name}:rollback`,
          }],
        ),
      );
      current.status = 'RolledBack';
      current.runningVersion = entry.restoreVersion;
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      current.status = 'RollbackFailed';
      report.data.rollbackFailures.push({ service: svc.name, step: 'rollback', message });
      return false;
    }
  }

  async function verifyRestored(restored: Compensation[]): Promise<void> {
    const toProbe = restored.filter((e) => e.restoreVersion !== '' && services.get(e.service)!.health);
    for (let i = 0; i < toProbe.length; i += maxParallel) {
      await Promise.all(
        toProbe.slice(i, i + maxParallel).map(async (entry) => {
          const svc = services.get(entry.service)!;
          try {
            await probe(svc, 'verify', entry.restoreVersion);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            report.service(svc.name).status = 'RollbackFailed';
            report.data.rollbackFailures.push({ service: svc.name, step: 'verify', message });
          }
        }),
      );
    }
  }
}
