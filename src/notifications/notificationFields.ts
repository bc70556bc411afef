/** The fields every notification has whatever its kind: where it goes and on which events. Pure. */
import { z } from 'zod';

/** The release events a notification may be sent on. */
export const NOTIFICATION_EVENTS = ['Succeeded', 'RolledBack', 'RollbackFailed', 'Rejected', 'AwaitingApproval', 'AwaitingDecision'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_BASE_FIELDS = {
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  on: z
    .array(z.enum(NOTIFICATION_EVENTS, { error: `must be one of ${NOTIFICATION_EVENTS.join(', ')}` }))
    .min(1, 'must name at least one event')
    .default(['RolledBack', 'RollbackFailed']),
};
