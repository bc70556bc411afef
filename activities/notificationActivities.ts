/**
 * Notifications as an activity: one notification of one release event. Retried by Temporal; a
 * refusal (4xx, a missing header variable) is not retried. The workflow records the outcome and
 * never lets it fail or hold up the release.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../src/logging/logger';
import type { Notification } from '../src/notifications/notificationKinds';
import type { ReleaseEvent } from '../src/notifications/releaseEvent';
import { NotificationRefused, sendNotification } from '../src/notifications/sendNotification';

export interface NotificationInput {
  notification: Notification;
  event: ReleaseEvent;
  /** Stable across retries: the CloudEvent id. */
  id: string;
}

export interface NotificationActivityDeps {
  logger: Logger;
  /** The Temporal Web UI's base URL for links in notifications (default $LOCKSTEP_WEB_UI_URL). */
  webUiUrl?: string;
}

export function createNotificationActivities({ logger, webUiUrl = process.env.LOCKSTEP_WEB_UI_URL }: NotificationActivityDeps) {
  return {
    async sendNotification(input: NotificationInput): Promise<{ status: number; attempt: number }> {
      const ctx = Context.current();
      const { attempt, workflowNamespace } = ctx.info;
      const log = logger.child({ releaseId: input.event.releaseId, step: 'notify', event: input.event.event, kind: input.notification.kind, attempt });
      const webUiLink = webUiUrl ? `${webUiUrl.replace(/\/$/, '')}/namespaces/${workflowNamespace}/workflows/${encodeURIComponent(input.event.workflowId)}` : undefined;
      try {
        const status = await sendNotification(input.notification, input.event, { id: input.id, webUiLink, signal: ctx.cancellationSignal });
        log.info({ status }, 'notification sent');
        return { status, attempt };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ err: message }, 'notification not sent');
        throw ApplicationFailure.create({ message, nonRetryable: err instanceof NotificationRefused, details: [{ attempt }] });
      }
    },
  };
}
