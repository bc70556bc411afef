/**
 * The registry of notification kinds, workflow-safe half (DESIGN.md, "Observability",
 * Notifications). A new kind: a folder with `spec.ts` and its sender, a line here and one in
 * sendNotification.ts. Pure.
 */
import { z } from 'zod';
import { SlackNotification } from './slack/spec';
import { WebhookNotification } from './webhook/spec';

const KINDS = { webhook: WebhookNotification, slack: SlackNotification } as const;
const names = Object.keys(KINDS).join(', ');

export const Notification = z.discriminatedUnion('kind', [KINDS.webhook, KINDS.slack], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
    return `${kind === undefined ? 'a notification needs a kind' : `${JSON.stringify(kind)} is not a notification kind`}: use one of ${names}`;
  },
});
export type Notification = z.infer<typeof Notification>;
