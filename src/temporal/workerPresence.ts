/** Whether any worker polls a task queue (to warn a user whose release would wait for one). */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export async function hasWorkflowPollers(client: Client, taskQueue: string): Promise<boolean> {
  try {
    const res = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (res.pollers?.length ?? 0) > 0;
  } catch {
    return true; // cannot tell: do not warn
  }
}

/** What to run so that a task queue has a worker; every "no worker" message ends with it. */
export function startWorkerHint(taskQueue: string): string {
  return `start one with: lockstep worker --task-queue ${taskQueue}`;
}
