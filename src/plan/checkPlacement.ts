/**
 * Where each of a manifest's checks runs, for `lockstep plan`: before anything is touched, after
 * which services (and which services wait for it), before `Succeeded` (with its bake), after a
 * rollback. Pure.
 */
import { checkMoment } from '../checks/checkKinds';
import type { Manifest } from '../manifest/schema';

export interface CheckPlacement {
  name: string;
  kind: string;
  /** `preflight`, `final`, `afterRollback` or `after`. */
  moment: 'preflight' | 'final' | 'afterRollback' | 'after';
  /** `after` only: the services it runs after, and the services that wait for it. */
  after?: string[];
  holds?: string[];
  bake?: string;
  alsoAfterRollback: boolean;
  /** One line: `after payments; orders, web wait for it`. */
  description: string;
}

export function placeChecks(manifest: Manifest): CheckPlacement[] {
  const services = manifest.spec.services;
  return manifest.spec.checks.map((check) => {
    const when = checkMoment(check);
    const base = { name: check.name, kind: check.kind, alsoAfterRollback: check.alsoAfterRollback, ...(check.bake ? { bake: check.bake } : {}) };
    const again = check.alsoAfterRollback ? '; again after a rollback' : '';
    if (typeof when === 'object') {
      const holds = dependentsOf(services, when.after);
      return {
        ...base,
        moment: 'after' as const,
        after: when.after,
        holds,
        description: `after ${when.after.join(', ')}; ${holds.length > 0 ? `${holds.join(', ')} wait${holds.length === 1 ? 's' : ''} for it` : 'nothing waits for it'}${again}`,
      };
    }
    const description =
      when === 'preflight'
        ? 'preflight, before anything is touched (a failure rejects the release)'
        : when === 'final'
          ? `after every service succeeded, before Succeeded${check.bake ? `; bakes ${check.bake}, every ${check.interval}` : ''}`
          : 'after a rollback (a failure ends RollbackFailed)';
    return { ...base, moment: when, description: description + again };
  });
}

/** Every service that depends on one of `roots`, directly or not, in manifest order. */
function dependentsOf(services: Manifest['spec']['services'], roots: string[]): string[] {
  const reached = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of services) {
      if (!reached.has(s.name) && s.dependsOn.some((d) => reached.has(d))) {
        reached.add(s.name);
        grew = true;
      }
    }
  }
  return services.map((s) => s.name).filter((n) => reached.has(n) && !roots.includes(n));
}
