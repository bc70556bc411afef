/**
 * The environment lock's workflow id. One lock per environment among the releases of one task
 * queue (one Lockstep installation): `lock/<environment>` on the default queue `lockstep`,
 * `lock/<environment>@<taskQueue>` on any other. Pure.
 */
export const DEFAULT_TASK_QUEUE = 'lockstep';

export function lockWorkflowId(environment: string, taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `lock/${environment}` : `lock/${environment}@${taskQueue}`;
}
