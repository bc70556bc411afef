/**
 * Where a workflow's time goes, read from its history (the server's own event times): workflow
 * tasks per service, activities per service, how activities were dispatched, and the gaps
 * between one step finishing and the next one being scheduled.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface HistoryProfile {
  events: number;
  /** WorkflowTaskCompleted events: one workflow-task round trip each. */
  workflowTasks: number;
  workflowTasksPerService: number;
  activitiesByType: Record<string, number>;
  activitiesPerService: number;
  /** Activities started within 1 ms of being scheduled: handed back in the workflow task's response (eager). */
  eagerShare: number;
  /** Workflow task scheduled → started (waiting for a worker), mean. */
  workflowTaskQueueMs: number;
  /** Workflow task started → completed (the worker running workflow code), mean. */
  workflowTaskRunMs: number;
  /** Sum of workflow task started → completed: the workflow's single-threaded busy time. */
  workflowTaskBusyMs: number;
  /** Workflow started → first deploy scheduled (lock, preflight, planning). */
  startToFirstDeployMs: number;
  /** Deploy completed → the same service's probe scheduled, mean. */
  deployToProbeMs: number;
  /** Last dependency's probe completed → deploy scheduled, mean over services with dependencies. */
  dependenciesToDeployMs: number;
  /** Activity scheduled → started, mean of deploys and probes. */
  dispatchMs: number;
  /** Activity started → completed minus the step's latency, mean (execution and completion report). */
  stepOverrunMs: number;
  /** Last probe completed → workflow closed. */
  lastProbeToCloseMs: number;
}

interface Step {
  type: string;
  service: string;
  scheduled: number;
  started?: number;
  completed?: number;
}

const eventMs = (e: HistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const round1 = (n: number): number => Math.round(n * 10) / 10;

function serviceOf(e: HistoryEvent): string {
  const payload = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
  if (!payload) return '';
  const input = defaultPayloadConverter.fromPayload<{ service?: unknown }>(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);
  return typeof input?.service === 'string' ? input.service : '';
}

export function profileHistory(
  events: HistoryEvent[],
  graph: { services: { name: string; dependsOn: string[] }[]; deployType: string; probeType: string; deployMs: number; probeMs: number },
): HistoryProfile {
  const n = graph.services.length;
  const steps = new Map<number, Step>();
  const wftScheduled = new Map<number, number>();
  const wftStarted = new Map<number, number>();
  const queue: number[] = [];
  const run: number[] = [];
  const byType: Record<string, number> = {};
  for (const e of events) {
    const at = eventMs(e);
    const id = Number(e.eventId);
    if (e.workflowTaskScheduledEventAttributes) wftScheduled.set(id, at);
    if (e.workflowTaskStartedEventAttributes) {
      wftStarted.set(id, at);
      const s = wftScheduled.get(Number(e.workflowTaskStartedEventAttributes.scheduledEventId));
      if (s !== undefined) queue.push(at - s);
    }
    if (e.workflowTaskCompletedEventAttributes) {
      const s = wftStarted.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId));
      if (s !== undefined) run.push(at - s);
    }
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? '?';
      byType[type] = (byType[type] ?? 0) + 1;
      steps.set(id, { type, service: serviceOf(e), scheduled: at });
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const step = steps.get(Number(started.scheduledEventId));
      if (step) step.started = at;
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) {
      const step = steps.get(Number(completed.scheduledEventId));
      if (step) step.completed = at;
    }
  }

  const first = (type: string) => new Map([...steps.values()].filter((s) => s.type === type).reverse().map((s) => [s.service, s]));
  const deploys = first(graph.deployType);
  const probes = first(graph.probeType);
  const workSteps = [...deploys.values(), ...probes.values()];
  const started = workSteps.filter((s) => s.started !== undefined);
  const deployToProbe: number[] = [];
  const depsToDeploy: number[] = [];
  for (const svc of graph.services) {
    const d = deploys.get(svc.name);
    const p = probes.get(svc.name);
    if (d?.completed !== undefined && p) deployToProbe.push(p.scheduled - d.completed);
    const depsDone = svc.dependsOn.map((dep) => probes.get(dep)?.completed);
    if (d && svc.dependsOn.length > 0 && depsDone.every((t) => t !== undefined)) depsToDeploy.push(d.scheduled - Math.max(...(depsDone as number[])));
  }
  const overrun = workSteps
    .filter((s) => s.started !== undefined && s.completed !== undefined)
    .map((s) => s.completed! - s.started! - (s.type === graph.deployType ? graph.deployMs : graph.probeMs));
  const activities = Object.values(byType).reduce((a, b) => a + b, 0);
  const closed = eventMs(events[events.length - 1] ?? {});
  const lastProbe = Math.max(...[...probes.values()].map((p) => p.completed ?? 0));
  const firstDeploy = Math.min(...[...deploys.values()].map((d) => d.scheduled));
  return {
    events: events.length,
    workflowTasks: run.length,
    workflowTasksPerService: round1((run.length / n) * 100) / 100,
    activitiesByType: byType,
    activitiesPerService: round1((activities / n) * 100) / 100,
    eagerShare: Math.round((started.filter((s) => s.started! - s.scheduled <= 1).length / Math.max(1, started.length)) * 100) / 100,
    workflowTaskQueueMs: round1(mean(queue)),
    workflowTaskRunMs: round1(mean(run)),
    workflowTaskBusyMs: Math.round(run.reduce((a, b) => a + b, 0)),
    startToFirstDeployMs: Math.round(firstDeploy - eventMs(events[0] ?? {})),
    deployToProbeMs: round1(mean(deployToProbe)),
    dependenciesToDeployMs: round1(mean(depsToDeploy)),
    dispatchMs: round1(mean(started.map((s) => s.started! - s.scheduled))),
    stepOverrunMs: round1(mean(overrun)),
    lastProbeToCloseMs: Math.round(closed - lastProbe),
  };
}
