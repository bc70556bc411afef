/** All activities of the release workflow, built from injected targets, probes and logger. */
import { createProbeActivities, type ProbeActivityDeps } from './probeActivities';
import { createTargetActivities, type TargetActivityDeps } from './targetActivities';

export type ActivityDeps = TargetActivityDeps & ProbeActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTargetActivities(deps), ...createProbeActivities(deps) };
}

export type ReleaseActivities = ReturnType<typeof createActivities>;
