/** The `webhook` notification: a CloudEvents 1.0 JSON POST per event (structured mode). Pure. */
import { z } from 'zod';
import { NOTIFICATION_BASE_FIELDS } from '../notificationFields';

export const WebhookNotification = z.strictObject({
  kind: z.literal('webhook'),
  ...NOTIFICATION_BASE_FIELDS,
  /** Extra request headers; a value may be `${ENV_VAR}` of the worker's environment (a token). */
  headers: z.record(z.string(), z.string()).optional(),
});
export type WebhookNotification = z.infer<typeof WebhookNotification>;
