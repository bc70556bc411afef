/**
 * The worker that runs release workflows and their activities on task queue `lockstep`.
 * Activities come from a factory so tests can hand in their own targets and probes.
 */
import { readFile } from 'node:fs/promises';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ReleaseActivities } from '../activities';
import { createTarget } from '../src/targets/createTarget';
import { createProbe } from '../src/probes/createProbe';
import type { TemporalSettings } from '../src/temporal/connectionOptions';
import type { Logger } from '../src/logging/logger';
import type { LockstepMetrics } from '../src/metrics/lockstepMetrics';
import { releaseMetricsSinks } from '../src/metrics/releaseMetricsSink';
import { compileOwnSources } from './ownSourcesInBundle';
import { workerPayloadCodecs } from '../src/codec/payloadCodecs';

export const WORKFLOWS_PATH = require.resolve('../workflows');
export const PAYLOAD_CONVERTER_PATH = require.resolve('../src/temporal/tolerantPayloadConverter');

export function defaultActivities(logger: Logger): ReleaseActivities {
  return createActivities({
    targetFor: (spec) => createTarget(spec),
    probeFor: (health, baseDir, check) => createProbe(health, baseDir, check),
    logger,
  });
}

/**
 * A file holding the code `bundleWorkflowCode` made from this same tree: the test suite bundles once
 * (test/globalSetup.ts) for all its worker processes, sparing each one a bundling that takes a
 * minute on a busy machine.
 */
export const PREBUILT_BUNDLE_ENV = 'LOCKSTEP_WORKFLOW_BUNDLE';

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow code bundled once per process (or read from $LOCKSTEP_WORKFLOW_BUNDLE). */
export function releaseWorkflowBundle(): Promise<WorkflowBundle> {
  const prebuilt = process.env[PREBUILT_BUNDLE_ENV];
  bundle ??= prebuilt ? readFile(prebuilt, 'utf8').then((code) => ({ code })) : bundleReleaseWorkflows();
  return bundle;
}

/** Bundles the release workflows and the payload converter they use. */
export function bundleReleaseWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    logger: quietBundlerLogger,
    webpackConfigHook: compileOwnSources, // an installed copy's workflows are under node_modules/lockstep
  });
}

const noop = (): void => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export interface ReleaseWorkerOptions {
  settings: TemporalSettings;
  logger: Logger;
  activities?: ReleaseActivities;
  identity?: string;
  maxConcurrentActivityTaskExecutions?: number;
  /** Lockstep's metrics, fed by each release's end (a workflow sink); none: nothing is counted. */
  metrics?: LockstepMetrics;
}

export async function createReleaseWorker(opts: ReleaseWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({
    address: opts.settings.address,
    tls: opts.settings.tls,
    apiKey: opts.settings.apiKey,
  });
  const worker = await Worker.create({
    connection,
    namespace: opts.settings.namespace,
    taskQueue: opts.settings.taskQueue,
    workflowBundle: await releaseWorkflowBundle(),
    dataConverter: {
      payloadConverterPath: PAYLOAD_CONVERTER_PATH,
      payloadCodecs: workerPayloadCodecs(opts.settings, (err) => opts.logger.warn({ keyId: err.keyId }, `${err.message}; the payload is left encrypted and refused`)),
    },
    activities: opts.activities ?? defaultActivities(opts.logger),
    sinks: releaseMetricsSinks(opts.metrics),
    ...(opts.identity ? { identity: opts.identity } : {}),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 200,
    maxConcurrentWorkflowTaskExecutions: 40,
    // many steps finish at once in a wide release: poll for their follow-ups in parallel
    activityTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 10, maximum: 50 },
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 5, maximum: 20 },
    // Cancellation reaches an activity only with a heartbeat; keep the round trip short.
    maxHeartbeatThrottleInterval: '1s',
    // a wide layer schedules tens of steps in one workflow task: take them all eagerly
    maxEagerActivityReservationsPerWorkflowTask: 100,
  });
  return { worker, connection };
}
