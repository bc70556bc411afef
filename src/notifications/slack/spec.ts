/** The `slack` notification: an incoming-webhook POST of `{text}` per event. Pure. */
import { z } from 'zod';
import { NOTIFICATION_BASE_FIELDS } from '../notificationFields';

export const SlackNotification = z.strictObject({
  kind: z.literal('slack'),
  ...NOTIFICATION_BASE_FIELDS,
});
export type SlackNotification = z.infer<typeof SlackNotification>;
