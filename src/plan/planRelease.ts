/**
 * The release plan: in which order services may start (waves of services whose dependencies
 * are all in earlier waves) and the order compensations would run if the last service failed.
 * Pure: used by `lockstep plan` and by the workflow.
 */
import type { Manifest } from '../manifest/schema';

export interface ReleasePlan {
  /** Waves: every service of wave N depends only on services of waves < N. */
  waves: string[][];
  /** A topological order (waves flattened, manifest order inside a wave). */
  startOrder: string[];
  /** Newest first: the reverse of the start order, dependents before their dependencies. */
  compensationOrder: string[];
  /** For each service, the services that depend on it directly. */
  dependents: Record<string, string[]>;
}

export function planRelease(manifest: Pick<Manifest, 'spec'>): ReleasePlan {
  const services = manifest.spec.services;
  const depth = new Map<string, number>();
  const byName = new Map(services.map((s) => [s.name, s]));
  const dependents: Record<string, string[]> = Object.fromEntries(services.map((s) => [s.name, [] as string[]]));
  for (const s of services) for (const d of s.dependsOn) dependents[d]!.push(s.name);

  // Kahn's algorithm by layers; the schema has already rejected cycles and unknown names.
  const remaining = new Map(services.map((s) => [s.name, s.dependsOn.length]));
  let wave = services.filter((s) => s.dependsOn.length === 0).map((s) => s.name);
  const waves: string[][] = [];
  while (wave.length > 0) {
    waves.push(wave);
    const next: string[] = [];
    for (const name of wave) {
      depth.set(name, waves.length - 1);
      for (const child of dependents[name]!) {
        const left = remaining.get(child)! - 1;
        remaining.set(child, left);
        if (left === 0) next.push(child);
      }
    }
    const order = new Map(services.map((s, i) => [s.name, i]));
    wave = next.sort((a, b) => order.get(a)! - order.get(b)!);
  }
  if (depth.size !== byName.size) {
    throw new Error('the dependency graph has a cycle; validate the manifest before planning');
  }
  const startOrder = waves.flat();
  return { waves, startOrder, compensationOrder: [...startOrder].reverse(), dependents };
}
