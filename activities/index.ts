/** All activities of the release workflow, built from injected targets, probes and logger. */
import { createProbeActivities, type ProbeActivityDeps } from './probeActivities';
import { createTargetActivities, type TargetActivityDeps } from './targetActivities';
import { createEnvironmentLockActivities, type EnvironmentLockActivityDeps } from './environmentLockActivities';

export type ActivityDeps = TargetActivityDeps & ProbeActivityDeps & EnvironmentLockActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTargetActivities(deps), ...createProbeActivities(deps), ...createEnvironmentLockActivities(deps) };
}

export type ReleaseActivities = ReturnType<typeof createActivities>;
