/** The benchmark's dependency graphs: a chain, a wide layered graph and a mixed random DAG (seeded). */
export interface GraphNode {
  name: string;
  dependsOn: string[];
}

export function chain(n: number): GraphNode[] {
  return Array.from({ length: n }, (_, i) => ({ name: `c${i}`, dependsOn: i === 0 ? [] : [`c${i - 1}`] }));
}

/** `layers` layers of `width`; each service depends on two services of the layer before. */
export function layered(layers: number, width: number, prefix = 'w'): GraphNode[] {
  const name = (l: number, i: number) => `${prefix}${l}-${i}`;
  const nodes: GraphNode[] = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      nodes.push({ name: name(l, i), dependsOn: l === 0 ? [] : [...new Set([name(l - 1, i), name(l - 1, (i + 1) % width)])] });
    }
  }
  return nodes;
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` services: each depends on 0–3 earlier services, mostly near it, giving a deep, uneven DAG. */
export function mixed(n: number, seed = 42): GraphNode[] {
  const rnd = random(seed);
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<string>();
    const count = i < 25 ? 0 : 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < count; k++) {
      const back = 1 + Math.floor(rnd() * Math.min(i, 60));
      deps.add(`m${i - back}`);
    }
    nodes.push({ name: `m${i}`, dependsOn: [...deps] });
  }
  return nodes;
}

/** Number of services on the longest dependency path. */
export function depth(nodes: GraphNode[]): number {
  const memo = new Map<string, number>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const d = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name)!;
    const value = 1 + Math.max(0, ...node.dependsOn.map(d));
    memo.set(name, value);
    return value;
  };
  return Math.max(...nodes.map((n) => d(n.name)));
}

/** The last service of a longest path (where the failure is injected). */
export function deepestService(nodes: GraphNode[]): string {
  const memo = new Map<string, number>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const d = (name: string): number => memo.get(name) ?? (memo.set(name, 1 + Math.max(0, ...byName.get(name)!.dependsOn.map(d))), memo.get(name)!);
  return nodes.reduce((best, n) => (d(n.name) > d(best.name) ? n : best)).name;
}
