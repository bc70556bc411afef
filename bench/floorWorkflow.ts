/**
 * Temporal's own floor for the benchmark: the release's dependency graph with nothing but the
 * steps. Each service is a deploy activity, then a probe activity; a service starts as soon as
 * all its dependencies have finished, at most `maxParallel` services at a time. No saga
 * bookkeeping: no environment lock, preflight, compensation stack, report, queries or search
 * attributes. Whatever Lockstep spends above this workflow's wall time is Lockstep's own.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floorActivities';

export interface FloorInput {
  services: { name: string; dependsOn: string[] }[];
  maxParallel: number;
  deployMs: number;
  probeMs: number;
  /** Ask for eager dispatch of the activities (the default; off only to measure what it buys). */
  eager: boolean;
}

export async function floorRelease(input: FloorInput): Promise<number> {
  const { floorDeploy, floorProbe } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1m', allowEagerDispatch: input.eager });
  const waitingOn = new Map(input.services.map((s) => [s.name, s.dependsOn.length]));
  const dependents = new Map<string, string[]>();
  for (const s of input.services) {
    for (const d of s.dependsOn) {
      const list = dependents.get(d) ?? [];
      list.push(s.name);
      dependents.set(d, list);
    }
  }
  const ready = input.services.filter((s) => s.dependsOn.length === 0).map((s) => s.name);
  let running = 0;
  let finished = 0;

  return new Promise<number>((resolve, reject) => {
    const launch = (): void => {
      while (running < input.maxParallel && ready.length > 0) {
        const service = ready.shift()!;
        running++;
        floorDeploy({ service, ms: input.deployMs })
          .then(() => floorProbe({ service, ms: input.probeMs }))
          .then(() => {
            running--;
            finished++;
            for (const next of dependents.get(service) ?? []) {
              const left = waitingOn.get(next)! - 1;
              waitingOn.set(next, left);
              if (left === 0) ready.push(next);
            }
            if (finished === input.services.length) resolve(finished);
            else launch();
          }, reject);
      }
    };
    launch();
  });
}
