/** What a notification tells: the release, the event, and where it failed. Pure types. */
import type { NotificationEvent } from './notificationFields';

export interface ReleaseEvent {
  event: NotificationEvent;
  releaseId: string;
  workflowId: string;
  environment: string;
  status: string;
  at: string;
  /** The first error's service, step and message, when the release failed. */
  failure?: { service?: string; step: string; check?: string; gate?: string; message: string };
  /** The gate waiting for approval (AwaitingApproval). */
  gate?: string;
  services: { name: string; version: string; status: string }[];
}
