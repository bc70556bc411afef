/**
 * The non-durable floor: the same dependency graph run in this process with timers, a service
 * started as soon as its dependencies finished, at most `maxParallel` at a time. No server, no
 * history, no processes: what is left is the event loop's own scheduling.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphNode } from './benchGraphs';

export async function runPlainDag(nodes: GraphNode[], opts: { maxParallel: number; deployMs: number; probeMs: number }): Promise<number> {
  const started = performance.now();
  const waitingOn = new Map(nodes.map((n) => [n.name, n.dependsOn.length]));
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), n.name]);
  const ready = nodes.filter((n) => n.dependsOn.length === 0).map((n) => n.name);
  let running = 0;
  let finished = 0;
  await new Promise<void>((resolve, reject) => {
    const launch = (): void => {
      while (running < opts.maxParallel && ready.length > 0) {
        const service = ready.shift()!;
        running++;
        sleep(opts.deployMs) // deploy
          .then(() => sleep(opts.probeMs)) // health check
          .then(() => {
            running--;
            finished++;
            for (const next of dependents.get(service) ?? []) {
              const left = waitingOn.get(next)! - 1;
              waitingOn.set(next, left);
              if (left === 0) ready.push(next);
            }
            if (finished === nodes.length) resolve();
            else launch();
          }, reject);
      }
    };
    launch();
  });
  return performance.now() - started;
}
