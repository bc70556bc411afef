/** All activities of the release workflow, built from injected targets, probes and logger. */
import { createProbeActivities, type ProbeActivityDeps } from './probeActivities';
import { createTargetActivities, type TargetActivityDeps } from './targetActivities';
import { createEnvironmentLockActivities, type EnvironmentLockActivityDeps } from './environmentLockActivities';
import { createProgramCheckActivities, type ProgramCheckActivityDeps } from './programCheckActivities';
import { createCheckActivities, type CheckActivityDeps } from './checkActivities';
import { createNotificationActivities, type NotificationActivityDeps } from './notificationActivities';
import { createSchemaRegistrationActivities, type SchemaRegistrationActivityDeps } from './schemaRegistrationActivities';

export type ActivityDeps = TargetActivityDeps & ProbeActivityDeps & EnvironmentLockActivityDeps & ProgramCheckActivityDeps & CheckActivityDeps & SchemaRegistrationActivityDeps & NotificationActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTargetActivities(deps), ...createProbeActivities(deps), ...createEnvironmentLockActivities(deps), ...createProgramCheckActivities(deps), ...createCheckActivities(deps), ...createSchemaRegistrationActivities(deps), ...createNotificationActivities(deps) };
}

export type ReleaseActivities = ReturnType<typeof createActivities>;
