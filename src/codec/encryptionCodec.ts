/**
 * Temporal payload codec that encrypts every payload with AES-256-GCM: the whole original payload
 * (metadata and data, as its protobuf bytes) becomes the ciphertext of a new payload whose
 * metadata says only `encoding: binary/encrypted` and `encryption-key-id: <id>`. Its data is
 * IV (12 random bytes) || ciphertext || tag (16 bytes); the key id is authenticated too, so a
 * payload relabelled with another id does not verify.
 *
 * Decoding leaves a payload that is not `binary/encrypted` as it is (written before encryption was
 * turned on, or by a client without a key). One it cannot decrypt (a key this process lacks, a tag
 * that does not verify) is an `UndecryptablePayload` error naming the key id, or, with
 * `undecryptable: 'keep'` (the worker), stays encrypted: the worker's tolerant payload converter
 * then turns it into a value its handlers refuse, instead of a workflow task failing forever.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { keyIds, type EncryptionKey, type EncryptionKeyring } from './encryptionKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class UndecryptablePayload extends Error {
  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
    this.name = 'UndecryptablePayload';
  }
}

export interface EncryptionCodecOptions {
  /** `throw` (default): an `UndecryptablePayload` error; `keep`: the payload stays encrypted, `onKept` hears why. */
  undecryptable?: 'throw' | 'keep';
  onKept?: (error: UndecryptablePayload) => void;
}

const text = (bytes: Uint8Array | null | undefined): string => (bytes ? Buffer.from(bytes).toString('utf8') : '');

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, EncryptionKey>;

  constructor(
    private readonly keyring: EncryptionKeyring,
    private readonly options: EncryptionCodecOptions = {},
  ) {
    this.byId = new Map(keyring.keys.map((k) => [k.id, k]));
  }

  // async: a payload that does not decrypt rejects the promise rather than throwing at the call
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decryptOrKeep(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keyring.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decryptOrKeep(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    try {
      return this.decrypt(payload);
    } catch (err) {
      if (!(err instanceof UndecryptablePayload) || this.options.undecryptable !== 'keep') throw err;
      this.options.onKept?.(err);
      return payload;
    }
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new UndecryptablePayload('', `encrypted payload without an "${KEY_ID_METADATA}" in its metadata; it was not written by Lockstep's codec`);
    const entry = this.byId.get(id);
    if (!entry) throw new UndecryptablePayload(id, `payload encrypted with key "${id}" but this process has keys ${keyIds(this.keyring)}`);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new UndecryptablePayload(id, `payload encrypted with key "${id}" is ${data.length} bytes, too short for IV and tag: it was cut or altered`);
    }
    const decipher = createDecipheriv(ALGORITHM, entry.key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new UndecryptablePayload(
        id,
        `payload encrypted with key "${id}" does not verify with this process's key "${id}": the payload was altered, or another key has that id`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }
}
