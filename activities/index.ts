/** All activities of the release workflow, built from injected targets, probes and logger. */
import { createProbeActivities, type ProbeActivityDeps } from './probeActivities';
import { createTargetActivities, type TargetActivityDeps } from './targetActivities';
import { createEnvironmentLockActivities, type EnvironmentLockActivityDeps } from './environmentLockActivities';
import { createProgramCheckActivities, type ProgramCheckActivityDeps } from './programCheckActivities';

export type ActivityDeps = TargetActivityDeps & ProbeActivityDeps & EnvironmentLockActivityDeps & ProgramCheckActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTargetActivities(deps), ...createProbeActivities(deps), ...createEnvironmentLockActivities(deps), ...createProgramCheckActivities(deps) };
}

export type ReleaseActivities = ReturnType<typeof createActivities>;
