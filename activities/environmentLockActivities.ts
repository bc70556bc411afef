/**
 * Activities of the environment lock: join an environment's queue (signal-with-start of its lock
 * workflow) and watch a holder until it closes, however it ends (even terminated).
 * The Temporal client comes from the activity context by default; tests may inject another.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../src/logging/logger';
import { lockWorkflowId } from '../src/release/environmentLockIds';
import { acquireSignal, type AcquireRequest, type LockClaim } from '../workflows/environmentLockMessages';
import type { environmentLock } from '../workflows/environmentLock';

export interface EnvironmentLockActivityDeps {
  logger: Logger;
  /** The client that reaches the lock workflows; default: the worker's own. */
  clientFor?: () => Client;
  /** How often a holder is checked; default 1 s. */
  watchIntervalMs?: number;
}

export interface TurnRequest extends AcquireRequest {
  environment: string;
  releaseId: string;
}

export function createEnvironmentLockActivities({ logger, clientFor, watchIntervalMs = 1000 }: EnvironmentLockActivityDeps) {
  const client = (): Client => (clientFor ? clientFor() : Context.current().client);
  return {
    /** Puts the release in its environment's queue, starting the lock workflow when none runs. */
    async requestEnvironmentTurn(req: TurnRequest): Promise<string> {
      const { taskQueue } = Context.current().info;
      const workflowId = lockWorkflowId(req.environment, taskQueue);
      await client().workflow.signalWithStart<typeof environmentLock, [AcquireRequest]>('environmentLock', {
        workflowId,
        taskQueue,
        args: [{ environment: req.environment, waiting: [] }],
        signal: acquireSignal,
        signalArgs: [{ workflowId: req.workflowId, runId: req.runId, queue: req.queue }],
        staticSummary: `one release at a time in ${req.environment}`,
      });
      logger.info({ releaseId: req.releaseId, environment: req.environment, step: 'queue', lock: workflowId }, 'asked for the environment');
      return workflowId;
    },

    /** Returns once the release has closed: completed, failed, cancelled, terminated or timed out. */
    async awaitReleaseClosed(claim: LockClaim): Promise<string> {
      const ctx = Context.current();
      const handle = client().workflow.getHandle(claim.workflowId, claim.runId);
      for (;;) {
        try {
          const { status } = await handle.describe();
          if (status.name !== 'RUNNING') return status.name;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
          throw err;
        }
        ctx.heartbeat();
        await ctx.sleep(watchIntervalMs); // rejects when the lock cancels the watch
      }
    },
  };
}
