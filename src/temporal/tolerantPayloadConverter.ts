/**
 * The worker's payload converter: Temporal's default one, except that a payload it cannot decode
 * (an unknown encoding, broken JSON — e.g. a signal sent by a client with another codec) becomes
 * an `UndecodablePayload` value instead of an exception. An exception there fails the workflow
 * task before any handler runs, and the release would retry that task forever, frozen; with a
 * value, the handlers' own checks refuse it and the release goes on. Pure: bundled into workflows.
 */
import { defaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';

export interface UndecodablePayload {
  undecodablePayload: true;
  encoding: string;
}

function encodingOf(payload: Payload): string {
  const raw = payload.metadata?.encoding;
  if (!raw) return '(none)';
  let text = '';
  for (const byte of raw) text += String.fromCharCode(byte);
  return text;
}

export const payloadConverter: PayloadConverter = {
  toPayload: (value) => defaultPayloadConverter.toPayload(value),
  fromPayload<T>(payload: Payload): T {
    try {
      return defaultPayloadConverter.fromPayload<T>(payload);
    } catch {
      const undecodable: UndecodablePayload = { undecodablePayload: true, encoding: encodingOf(payload) };
      return undecodable as T;
    }
  },
};
