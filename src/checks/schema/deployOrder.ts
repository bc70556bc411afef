/**
 * The `schema` check's order rule: the release deploys a service after everything it depends on
 * (directly or not), so "consumers before producers" means every producer depends on every consumer.
 */
import type { CheckContext, CheckFinding } from '../check';
import { firstDeployed } from './compatibilityMode';
import type { CompatibilityMode } from './spec';

const ITEM = 'deploy order';

/** The order finding, or undefined when the check names no producers or no consumers (or the mode is NONE). */
export function deployOrderFinding(
  mode: CompatibilityMode,
  producers: readonly string[] | undefined,
  consumers: readonly string[] | undefined,
  services: CheckContext['services'],
): CheckFinding | undefined {
  if (!producers?.length || !consumers?.length) return undefined;
  const first = firstDeployed(mode);
  if (first === 'none') return undefined;
  if (first === 'either') return { item: ITEM, status: 'passed', message: `${mode} allows either order` };
  const [earlier, later] = first === 'consumers' ? [consumers, producers] : [producers, consumers];
  const dependsOn = dependencyClosure(services);
  const missing: string[] = [];
  for (const late of later) {
    for (const early of earlier) {
      if (late !== early && !dependsOn(late).has(early)) missing.push(`${late} does not depend on ${early}`);
    }
  }
  const [earlyRole, lateRole] = first === 'consumers' ? ['consumers', 'producers'] : ['producers', 'consumers'];
  const rule = `${mode} needs the ${earlyRole} (${earlier.join(', ')}) deployed before the ${lateRole} (${later.join(', ')})`;
  if (missing.length === 0) return { item: ITEM, status: 'passed', message: `${rule}: they are` };
  return {
    item: ITEM,
    status: 'failed',
    message: `${rule}, but ${missing.join(', ')} (directly or through others): add dependsOn so that every one of the ${lateRole} comes after every one of the ${earlyRole}`,
  };
}

/** service -> everything it depends on, directly or not (memoised; cycles are the manifest's to refuse). */
function dependencyClosure(services: CheckContext['services']): (service: string) => Set<string> {
  const direct = new Map(services.map((s) => [s.name, s.dependsOn]));
  const memo = new Map<string, Set<string>>();
  const closure = (service: string): Set<string> => {
    const known = memo.get(service);
    if (known) return known;
    const all = new Set<string>();
    memo.set(service, all);
    const stack = [...(direct.get(service) ?? [])];
    while (stack.length) {
      const next = stack.pop()!;
      if (all.has(next)) continue;
      all.add(next);
      stack.push(...(direct.get(next) ?? []));
    }
    return all;
  };
  return closure;
}
