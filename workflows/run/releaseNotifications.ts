/**
 * The release's notifications (`spec.notify`): on each event a notification lists, one activity per
 * notification, retried a few times. The outcome of each is recorded in the report; none ever
 * fails the release, and the release's own outcome (status, search attribute, memo) is set before
 * the final event's notifications are sent. Deterministic code only.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ReleaseActivities } from '../../activities';
import type { Notification } from '../../src/notifications/notificationKinds';
import type { NotificationEvent } from '../../src/notifications/notificationFields';
import type { ReleaseEvent } from '../../src/notifications/releaseEvent';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { describeStepFailure } from '../stepFailure';

const acts = proxyActivities<ReleaseActivities>({ startToCloseTimeout: '30s' });

export class ReleaseNotifications {
  private readonly pending: Promise<void>[] = [];
  private sentEvents = 0;

  constructor(
    private readonly notify: readonly Notification[],
    private readonly report: ReleaseReport,
  ) {
    if (notify.length > 0) report.notifications = [];
  }

  /** Sends the notifications that list this event; resolves at once (the sends go on by themselves). */
  on(event: NotificationEvent, gate?: string): void {
    const listening = this.notify.filter((n) => n.on.includes(event));
    if (listening.length === 0) return;
    this.sentEvents += 1;
    const payload = this.event(event, gate);
    listening.forEach((notification, i) => {
      const record: NonNullable<ReleaseReport['notifications']>[number] = { event, kind: notification.kind, url: new URL(notification.url).origin, status: 'sending' };
      this.report.notifications!.push(record);
      const sent = acts.sendNotification
        .executeWithOptions(
          {
            summary: `notify ${notification.kind} ${record.url} of ${event}`,
            startToCloseTimeout: '15s',
            retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2 },
          },
          [{ notification, event: payload, id: `${this.report.workflowId}:${event}:${this.sentEvents}:${i}` }],
        )
        .then(
          (result) => {
            record.status = 'sent';
            record.attempts = result.attempt;
          },
          (err: unknown) => {
            const info = describeStepFailure(err);
            record.status = 'failed';
            record.attempts = info.attempts;
            record.error = info.message;
          },
        );
      this.pending.push(sent);
    });
  }

  /** Waits until every notification sent so far has been sent or has given up. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  private event(event: NotificationEvent, gate?: string): ReleaseEvent {
    const r = this.report;
    const first = r.firstError;
    return {
      event,
      releaseId: r.releaseId,
      workflowId: r.workflowId,
      environment: r.environment,
      status: r.status,
      at: new Date().toISOString(),
      ...(first ? { failure: { service: first.service, step: first.step, check: first.check, gate: first.gate, message: first.message } } : {}),
      ...(gate ? { gate } : {}),
      services: r.services.map((s) => ({ name: s.name, version: s.version, status: s.status })),
    };
  }
}
