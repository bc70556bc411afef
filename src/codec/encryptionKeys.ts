/**
 * The payload encryption keys of this process, from the environment:
 *
 *   LOCKSTEP_ENCRYPTION_KEY       one key: base64 of 32 bytes (`openssl rand -base64 32`), its id the
 *                                 first 8 hex digits of its SHA-256; or `<id>:<base64>` to name it
 *   LOCKSTEP_ENCRYPTION_KEY_FILE  a file with one `<id>:<base64>` a line (blank lines and `#` comments
 *                                 skipped): the FIRST encrypts, every one decrypts, so a key rotates
 *                                 by putting the new one on top and dropping the old one once no
 *                                 history needs it
 *
 * Neither: no keys, payloads stay plaintext. A problem is an `InvalidEncryptionKey` naming the
 * variable (and line) and what to give instead; it never shows the key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const KEY_VARIABLE = 'LOCKSTEP_ENCRYPTION_KEY';
export const KEY_FILE_VARIABLE = 'LOCKSTEP_ENCRYPTION_KEY_FILE';
export const KEY_BYTES = 32;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The keys a process holds: `keys[0]` encrypts, any of them decrypts. Never empty. */
export interface EncryptionKeyring {
  keys: readonly [EncryptionKey, ...EncryptionKey[]];
}

/** A key setting that cannot work; the CLI exits 3 (invalid input) with the message. */
export class InvalidEncryptionKey extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEncryptionKey';
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAKE_ONE = 'make one with `openssl rand -base64 32`';

/** The id of a key given without one: the first 8 hex digits of its SHA-256. */
export function defaultKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function decodeKey(text: string, where: string): Buffer {
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    const what = key ? `base64 of ${key.length} bytes` : 'not base64';
    throw new InvalidEncryptionKey(`${where}: the key is ${what}; give base64 of ${KEY_BYTES} random bytes (${MAKE_ONE})`);
  }
  return key;
}

function parseKey(text: string, where: string, idRequired: boolean): EncryptionKey {
  const colon = text.indexOf(':'); // base64 has no colon: the first one ends the id
  if (colon < 0) {
    if (idRequired) throw new InvalidEncryptionKey(`${where}: not <id>:<base64 key>; give e.g. k1:$(openssl rand -base64 32)`);
    const key = decodeKey(text, where);
    return { id: defaultKeyId(key), key };
  }
  const id = text.slice(0, colon).trim();
  if (!KEY_ID.test(id)) {
    throw new InvalidEncryptionKey(`${where}: key id "${id}" is not 1-64 letters, digits, ".", "_" or "-"; give <id>:<base64 key>, e.g. k1:...`);
  }
  return { id, key: decodeKey(text.slice(colon + 1).trim(), `${where} (key "${id}")`) };
}

function keysOfFile(file: string): EncryptionKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InvalidEncryptionKey(`${KEY_FILE_VARIABLE}: cannot read ${file} (${code}); give a readable file with one <id>:<base64 key> a line`);
  }
  const keys: EncryptionKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${KEY_FILE_VARIABLE} ${file} line ${index + 1}`;
    const key = parseKey(line, where, true);
    if (keys.some((k) => k.id === key.id)) throw new InvalidEncryptionKey(`${where}: key id "${key.id}" appears twice; give each key its own id`);
    keys.push(key);
  });
  return keys;
}

/** The keys the environment gives, or undefined when it gives none. */
export function encryptionKeyring(env: NodeJS.ProcessEnv = process.env): EncryptionKeyring | undefined {
  const single = env[KEY_VARIABLE]?.trim();
  const file = env[KEY_FILE_VARIABLE]?.trim();
  if (single && file) throw new InvalidEncryptionKey(`both ${KEY_VARIABLE} and ${KEY_FILE_VARIABLE} are set; give one (a key file holds several keys)`);
  const keys = file ? keysOfFile(file) : single ? [parseKey(single, KEY_VARIABLE, false)] : [];
  if (file && keys.length === 0) throw new InvalidEncryptionKey(`${KEY_FILE_VARIABLE} ${file}: no key in it; give one <id>:<base64 key> a line, the first encrypts`);
  const [first, ...rest] = keys;
  return first ? { keys: [first, ...rest] } : undefined;
}

/** The ids as an error message lists them: `k1, k2`. */
export function keyIds(keyring: EncryptionKeyring): string {
  return keyring.keys.map((k) => k.id).join(', ');
}
