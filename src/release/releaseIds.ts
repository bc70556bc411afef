/** Release and workflow ids: `release/<environment>/<id>`, or the short form `<environment>/<id>`. */
import { randomBytes } from 'node:crypto';

export function workflowIdFor(environment: string, releaseId: string): string {
  return `release/${environment}/${releaseId}`;
}

/** Accepts `release/<env>/<id>` or `<env>/<id>`. */
export function normalizeWorkflowId(ref: string): string {
  const parts = ref.split('/');
  if (parts.length === 3 && parts[0] === 'release' && parts[1] && parts[2]) return ref;
  if (parts.length === 2 && parts[0] && parts[1]) return `release/${ref}`;
  throw new Error(`"${ref}" is not a release reference; give release/<environment>/<id> or <environment>/<id>`);
}

/** An id for a manifest without metadata.id: time-ordered and unique. */
export function generateReleaseId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `r-${stamp}-${randomBytes(3).toString('hex')}`;
}
