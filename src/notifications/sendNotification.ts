/**
 * Sends one notification of a release event: the registry of notification senders (the pure half
 * is notificationKinds.ts). A 2xx answer is sent; a 4xx will not change on a retry (non-retryable);
 * no answer, a timeout or a 5xx may.
 */
import { fillEnvReferences } from '../manifest/envReferences';
import { fetchFailure } from '../net/fetchFailure';
import type { Notification } from './notificationKinds';
import type { ReleaseEvent } from './releaseEvent';
import { slackMessage } from './slack/slackMessage';
import { cloudEvent } from './webhook/webhookMessage';

export class NotificationRefused extends Error {}

export interface NotificationContext {
  /** Unique per event and notification, stable across retries (the CloudEvent id). */
  id: string;
  webUiLink?: string;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function sendNotification(notification: Notification, event: ReleaseEvent, ctx: NotificationContext): Promise<number> {
  const env = ctx.env ?? process.env;
  const { body, contentType, headers } =
    notification.kind === 'webhook'
      ? { body: cloudEvent(event, ctx.id, ctx.webUiLink), contentType: 'application/cloudevents+json', headers: expandHeaders(notification.headers ?? {}, env) }
      : { body: slackMessage(event, ctx.webUiLink), contentType: 'application/json', headers: {} };
  let res: Response;
  try {
    res = await fetch(notification.url, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new Error(`${notification.url}: no answer: ${fetchFailure(err)}`);
  }
  const text = (await res.text()).slice(-300);
  if (res.status >= 200 && res.status < 300) return res.status;
  const message = `${notification.url} answered HTTP ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status >= 400 && res.status < 500) throw new NotificationRefused(message);
  throw new Error(message);
}

function expandHeaders(headers: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      fillEnvReferences(value, (variable) => {
        const found = env[variable];
        if (found === undefined) throw new NotificationRefused(`header ${name} names \${${variable}}, which is not set in the worker's environment`);
        return found;
      }),
    ]),
  );
}
