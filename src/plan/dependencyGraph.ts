/**
 * Checks of the dependency graph between services: duplicate names, unknown dependencies,
 * self-dependencies and cycles (the cycle is named). Pure: used by the schema and the workflow.
 */
export interface GraphProblem {
  /** Path below `spec.services`, e.g. [2, 'dependsOn', 0]. */
  path: (string | number)[];
  message: string;
}

interface Node {
  name: string;
  dependsOn?: string[];
}

export function findDependencyProblems(services: readonly Node[]): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const index = new Map<string, number>();
  services.forEach((s, i) => {
    if (index.has(s.name)) {
      problems.push({ path: [i, 'name'], message: `duplicate service name "${s.name}" (also at spec.services[${index.get(s.name)}])` });
    } else {
      index.set(s.name, i);
    }
  });
  services.forEach((s, i) => {
    const seen = new Set<string>();
    (s.dependsOn ?? []).forEach((dep, d) => {
      if (dep === s.name) problems.push({ path: [i, 'dependsOn', d], message: `"${s.name}" depends on itself` });
      else if (!index.has(dep)) problems.push({ path: [i, 'dependsOn', d], message: `unknown service "${dep}"` });
      else if (seen.has(dep)) problems.push({ path: [i, 'dependsOn', d], message: `"${dep}" is listed twice` });
      seen.add(dep);
    });
  });
  if (problems.length === 0) {
    const cycle = findCycle(services);
    if (cycle) {
      problems.push({
        path: [index.get(cycle[0]!)!, 'dependsOn'],
        message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
      });
    }
  }
  return problems;
}

/** One cycle of the graph as a list of names, or undefined when it is acyclic. Iterative DFS. */
export function findCycle(services: readonly Node[]): string[] | undefined {
  const deps = new Map(services.map((s) => [s.name, s.dependsOn ?? []]));
  const state = new Map<string, 'open' | 'done'>();
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = deps.get(top.name) ?? [];
      if (top.next >= children.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const child = children[top.next++]!;
      const seen = state.get(child);
      if (seen === 'open') {
        const names = stack.map((f) => f.name);
        return names.slice(names.indexOf(child));
      }
      if (seen === undefined && deps.has(child)) {
        state.set(child, 'open');
        stack.push({ name: child, next: 0 });
      }
    }
  }
  return undefined;
}
