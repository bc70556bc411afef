/**
 * Clients decode payloads with the tolerant converter (src/temporal/tolerantPayloadConverter.ts),
 * so that a list of releases is not broken by one whose memo this client cannot read (encrypted
 * with a key it lacks). Where a client needs the value itself (a report, a plan), an unreadable one
 * is this error, saying what to set.
 */
import type { UndecodablePayload } from './tolerantPayloadConverter';

export class UnreadablePayload extends Error {}

export function isUndecodable(value: unknown): value is UndecodablePayload {
  return typeof value === 'object' && value !== null && (value as { undecodablePayload?: unknown }).undecodablePayload === true;
}

/** The value, or an UnreadablePayload error naming what could not be read and how to read it. */
export function readable<T>(value: T, what: string): T {
  if (!isUndecodable(value)) return value;
  const hint =
    value.encoding === 'binary/encrypted'
      ? 'it is encrypted: set LOCKSTEP_ENCRYPTION_KEY or LOCKSTEP_ENCRYPTION_KEY_FILE to the key the workers use'
      : 'this client has no codec for it';
  throw new UnreadablePayload(`${what} is encoded as ${value.encoding}, which this client cannot read: ${hint}`);
}
