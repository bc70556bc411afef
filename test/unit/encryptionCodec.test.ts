/** The AES-256-GCM payload codec and its keys: round trip, rotation, tampering, key settings. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, UndecryptablePayload } from '../../src/codec/encryptionCodec';
import { defaultKeyId, encryptionKeyring, type EncryptionKeyring } from '../../src/codec/encryptionKeys';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'lockstep-keys-'));

function keyFile(...lines: string[]): string {
  const file = join(dir, `keys-${randomBytes(4).toString('hex')}.txt`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function ring(env: NodeJS.ProcessEnv): EncryptionKeyring {
  const keyring = encryptionKeyring(env);
  if (!keyring) throw new Error('no keys');
  return keyring;
}

const metadataText = (p: Payload, key: string): string => Buffer.from(p.metadata?.[key] ?? []).toString();
const secret = { env: { DB_PASSWORD: 's3cr3t-value-42' } };

test('a payload round-trips, encrypted as binary/encrypted with the key id, a fresh IV each time', async () => {
  const codec = new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY: `k1:${k1}` }));
  const plain = defaultPayloadConverter.toPayload(secret);
  const [a, b] = await codec.encode([plain, plain]);
  expect(metadataText(a!, 'encoding')).toBe('binary/encrypted');
  expect(metadataText(a!, 'encryption-key-id')).toBe('k1');
  expect(Object.keys(a!.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-key-id']); // json/plain is inside
  expect(Buffer.from(a!.data!).toString('latin1')).not.toContain('s3cr3t');
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  const [back] = await codec.decode([a!]);
  expect(metadataText(back!, 'encoding')).toBe('json/plain');
  expect(defaultPayloadConverter.fromPayload(back!)).toEqual(secret);
});

test('a key without an id is named by the first 8 hex digits of its SHA-256', () => {
  expect(ring({ LOCKSTEP_ENCRYPTION_KEY: k1 }).keys[0].id).toBe(defaultKeyId(Buffer.from(k1, 'base64')));
  expect(defaultKeyId(Buffer.from(k1, 'base64'))).toMatch(/^[0-9a-f]{8}$/);
});

test('rotation: what k1 encrypted, a process with k2,k1 decrypts, and it encrypts with k2', async () => {
  const old = new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile(`k1:${k1}`) }));
  const rotated = new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile('# newest first', `k2:${k2}`, '', `k1:${k1}`) }));
  const [byK1] = await old.encode([defaultPayloadConverter.toPayload(secret)]);
  expect(defaultPayloadConverter.fromPayload((await rotated.decode([byK1!]))[0]!)).toEqual(secret);
  const [byK2] = await rotated.encode([defaultPayloadConverter.toPayload('new')]);
  expect(metadataText(byK2!, 'encryption-key-id')).toBe('k2');
  await expect(old.decode([byK2!])).rejects.toThrow('payload encrypted with key "k2" but this process has keys k1');
});

test('a tampered ciphertext or a relabelled key id does not verify, with the key id named', async () => {
  const codec = new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile(`k1:${k1}`, `k2:${k1}`) }));
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
  const data = Buffer.from(sealed!.data!);
  data[20] = data[20]! ^ 1;
  await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow('payload encrypted with key "k1" does not verify with this process\'s key "k1"');
  const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('k2') } };
  await expect(codec.decode([relabelled])).rejects.toThrow(UndecryptablePayload);
});

test("plaintext payloads pass; the worker's mode keeps what it cannot decrypt and says why", async () => {
  const heard: string[] = [];
  const codec = new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY: `k1:${k1}` }), { undecryptable: 'keep', onKept: (e) => heard.push(e.message) });
  const plain = defaultPayloadConverter.toPayload('hello');
  const [other] = await new EncryptionCodec(ring({ LOCKSTEP_ENCRYPTION_KEY: `k2:${k2}` })).encode([plain]);
  const [passed, kept] = await codec.decode([plain, other!]);
  expect(passed).toBe(plain);
  expect(kept).toBe(other);
  expect(heard).toEqual(['payload encrypted with key "k2" but this process has keys k1']);
});

test('key settings: no key, bad keys, a bad file: none, or one line naming the variable and line', () => {
  expect(encryptionKeyring({})).toBeUndefined();
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).toThrow(
    'LOCKSTEP_ENCRYPTION_KEY: the key is base64 of 16 bytes; give base64 of 32 random bytes',
  );
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: 'k 1:abc' })).toThrow('key id "k 1" is not 1-64 letters');
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: 'not-base64!' })).toThrow('the key is not base64');
  const noId = keyFile(`k1:${k1}`, k2);
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY_FILE: noId })).toThrow(`LOCKSTEP_ENCRYPTION_KEY_FILE ${noId} line 2: not <id>:<base64 key>`);
  const twice = keyFile(`k1:${k1}`, `k1:${k2}`);
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY_FILE: twice })).toThrow('line 2: key id "k1" appears twice');
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile('# nothing') })).toThrow('no key in it');
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY_FILE: join(dir, 'missing') })).toThrow('cannot read');
  expect(() => encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: k1, LOCKSTEP_ENCRYPTION_KEY_FILE: noId })).toThrow('give one');
  let message = '';
  try {
    encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: `k1:${k1.slice(0, 20)}` });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).not.toContain(k1.slice(0, 20)); // a key is never shown
});
