/**
 * The worker of the Temporal floor (bench/floorWorkflow.ts), on a task queue of its own, tuned
 * like the release worker (workers/releaseWorker.ts: pollers, eager reservations, slots) so that
 * the two differ only in the workflow they run.
 */
import { Worker, bundleWorkflowCode, type NativeConnection } from '@temporalio/worker';
import { floorActivities } from './floorActivities';

const noop = (): void => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export async function createFloorWorker(opts: { connection: NativeConnection; namespace: string; taskQueue: string }): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./floorWorkflow'), logger: quietBundlerLogger }),
    activities: floorActivities,
    maxConcurrentActivityTaskExecutions: 1000,
    maxConcurrentWorkflowTaskExecutions: 40,
    activityTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 10, maximum: 50 },
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 5, maximum: 20 },
    maxHeartbeatThrottleInterval: '1s',
    maxEagerActivityReservationsPerWorkflowTask: 100,
  });
}
