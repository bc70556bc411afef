/**
 * The payload codecs of every client and worker Lockstep makes, from the same settings, so that the
 * CLI, the worker, `lockstep dev` and the demo read what each other wrote. No keys: no codec.
 */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { TemporalSettings } from '../temporal/connectionOptions';
import { EncryptionCodec, type UndecryptablePayload } from './encryptionCodec';

/**
 * A client's data converter: a payload it cannot decrypt is an error naming the key id; a payload
 * it has no codec for becomes a value readable() refuses (src/temporal/readablePayload.ts), so one
 * unreadable memo does not break a list of releases.
 */
export function clientDataConverter(settings: TemporalSettings): DataConverter {
  return {
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    ...(settings.encryption ? { payloadCodecs: [new EncryptionCodec(settings.encryption)] } : {}),
  };
}

const PAYLOAD_CONVERTER_PATH = require.resolve('../temporal/tolerantPayloadConverter');

/**
 * A worker's codecs: a payload it cannot decrypt (a signal from a client with another key) stays
 * encrypted and is reported, so the workflow's handlers refuse it rather than its task failing forever.
 */
export function workerPayloadCodecs(settings: TemporalSettings, onUndecryptable: (error: UndecryptablePayload) => void): PayloadCodec[] {
  return settings.encryption ? [new EncryptionCodec(settings.encryption, { undecryptable: 'keep', onKept: onUndecryptable })] : [];
}
