/** A release event as a CloudEvents 1.0 JSON event (structured content mode). */
import type { ReleaseEvent } from '../releaseEvent';

export function cloudEvent(event: ReleaseEvent, id: string, webUiLink: string | undefined): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: `lockstep/${event.environment}`,
    type: `dev.lockstep.release.${event.event.toLowerCase()}`,
    subject: event.workflowId,
    time: event.at,
    datacontenttype: 'application/json',
    data: { ...event, ...(webUiLink ? { webUi: webUiLink } : {}) },
  };
}
