/** A release event as a Slack incoming-webhook message: `{text}` with the release, status, where it failed and the Web UI link. */
import type { ReleaseEvent } from '../releaseEvent';

const ICONS: Record<string, string> = { Succeeded: ':white_check_mark:', RolledBack: ':leftwards_arrow_with_hook:', RollbackFailed: ':rotating_light:', Rejected: ':no_entry:', AwaitingApproval: ':raised_hand:', AwaitingDecision: ':raised_hand:' };

export function slackMessage(event: ReleaseEvent, webUiLink: string | undefined): { text: string } {
  const f = event.failure;
  const where = f ? ` — ${[f.service, f.step, f.check ?? f.gate].filter(Boolean).join(' ')}: ${f.message}` : '';
  const gate = event.gate ? ` — gate ${event.gate} waits for approval` : '';
  const link = webUiLink ? ` <${webUiLink}|open in Temporal>` : '';
  return { text: `${ICONS[event.event] ?? ''} release ${event.releaseId} to ${event.environment}: ${event.status}${where}${gate}${link}`.trim() };
}
