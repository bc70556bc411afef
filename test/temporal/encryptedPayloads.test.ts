/**
 * Encrypted payloads end to end: a real worker process and real CLI processes with a key, the raw
 * history as the Temporal CLI reads it from the server, and a real `lockstep codec-server` process
 * that the Temporal CLI decodes through.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeFleet } from '../support/fakeFleet';
import { LOCKSTEP_BIN, runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';
import { waitFor } from '../support/waitFor';
import { resolveTemporalCli } from '../../src/temporal/temporalCli';
import { Client } from '@temporalio/client';
import { EncryptionCodec } from '../../src/codec/encryptionCodec';
import { encryptionKeyring } from '../../src/codec/encryptionKeys';
import type { ReleaseReport } from '../../src/release/releaseReport';
import { abortSignal } from '../../workflows/messages';

const SECRET = 's3cr3t-value-42';
const TOKEN = `token-${randomUUID()}`;
const WEB_UI = 'http://localhost:8233';
const taskQueue = `encrypted-${randomUUID()}`;
const fleet = new FakeFleet({ db: '1.0.0' });
const keyFile = join(fleet.dir, 'keys.txt');
const k1 = `k1:${randomBytes(32).toString('base64')}`;
writeFileSync(keyFile, `# the first key encrypts\n${k1}\n`);
const withKey = { LOCKSTEP_TASK_QUEUE: taskQueue, LOCKSTEP_ENCRYPTION_KEY: k1 };
const suite = workerProcessSuite();
const id = `enc-${randomUUID().slice(0, 8)}`;
const workflowId = `release/test/${id}`;

let codecServer: ChildProcess | undefined;
let codecUrl = '';
let codecOutput = '';

beforeAll(async () => {
  await suite.start(taskQueue, { LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile });
  codecServer = spawn(process.execPath, [LOCKSTEP_BIN, 'codec-server', '--port', '0', '--token', TOKEN, '--cors-origin', WEB_UI], {
    env: { ...process.env, LOCKSTEP_ENCRYPTION_KEY_FILE: keyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  codecServer.stdout!.on('data', (c: Buffer) => (codecOutput += c.toString()));
  codecServer.stderr!.on('data', (c: Buffer) => (codecOutput += c.toString()));
  codecUrl = await waitFor(() => {
    if (codecServer!.exitCode !== null) throw new Error(`codec-server exited: ${codecOutput}`);
    return /listening on (http:\/\/\S+)/.exec(codecOutput)?.[1];
  }, 'lockstep codec-server to listen');
});

afterAll(async () => {
  if (codecServer && codecServer.exitCode === null) {
    const exited = new Promise((r) => codecServer!.once('exit', r));
    codecServer.kill('SIGTERM');
    await exited;
  }
});

async function temporalShow(...extra: string[]): Promise<string> {
  const temporal = await resolveTemporalCli();
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', process.env.TEMPORAL_ADDRESS!, ...extra];
  const { stdout } = await promisify(execFile)(temporal, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Everything the history says, with each payload's metadata and data (base64 in JSON output) decoded as text. */
function historyText(json: string): string {
  const texts: string[] = [json];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const { metadata, data } = node as { metadata?: unknown; data?: unknown };
      if (metadata && typeof metadata === 'object' && typeof data === 'string') {
        for (const value of [...Object.values(metadata), data]) texts.push(Buffer.from(String(value), 'base64').toString('utf8'));
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return texts.join('\n');
}

test('a release with a key leaves no secret in the history; the codec server shows it to the Temporal CLI; status needs the key', async () => {
  const service = fleet.service('db', '2.0.0');
  Object.assign(service.target, { env: { ...(service.target as { env: Record<string, string> }).env, DB_PASSWORD: SECRET } });
  const file = fleet.writeManifest(fleet.manifest(id, [service]));
  const released = await runCli(['release', file, '--wait'], withKey);
  expect(released.stdout).toContain(`release ${workflowId}: Succeeded`);
  expect(released.code).toBe(0);
  expect(fleet.version('db')).toBe('2.0.0'); // the worker decrypted the manifest and ran the deploy

  // (a) the server holds ciphertext only
  const raw = historyText(await temporalShow());
  // booleans: a failure would otherwise print pages of ciphertext
  expect({ encrypted: raw.includes('binary/encrypted'), secretShown: raw.includes(SECRET) }).toEqual({ encrypted: true, secretShown: false });

  // (b) through the codec server, the Temporal CLI shows the manifest as it was
  const decoded = historyText(await temporalShow('--codec-endpoint', codecUrl, '--codec-auth', `Bearer ${TOKEN}`));
  expect({ secretShown: decoded.includes(`"DB_PASSWORD":"${SECRET}"`), encrypted: decoded.includes('binary/encrypted') }).toEqual({ secretShown: true, encrypted: false });

  // (c) status with the key reads the report; with another key it says which key is missing
  const status = await runCli(['status', workflowId, '--json'], withKey);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout).status).toBe('Succeeded');
  const wrong = await runCli(['status', workflowId], { ...withKey, LOCKSTEP_ENCRYPTION_KEY: `k2:${randomBytes(32).toString('base64')}` });
  expect(wrong.stderr).toContain('payload encrypted with key "k1" but this process has keys k2');
  expect(wrong.code).not.toBe(0);
  const keyless = await runCli(['status', workflowId], { LOCKSTEP_TASK_QUEUE: taskQueue, LOCKSTEP_ENCRYPTION_KEY: 'too-short' });
  expect(keyless.code).toBe(3);
  expect(keyless.stderr).toContain('LOCKSTEP_ENCRYPTION_KEY: the key is');

  // (d) a client with no key at all: one encrypted release does not break a list of releases (its
  // memo is unreadable, its search attributes are not), and its report is refused saying why
  const environment = JSON.parse(status.stdout).environment as string;
  const listed = await runCli(['list', '--environment', environment, '--json'], { LOCKSTEP_TASK_QUEUE: taskQueue });
  expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
  expect((JSON.parse(listed.stdout) as { workflowId: string; status: string }[]).find((r) => r.workflowId === workflowId)).toMatchObject({ status: 'Succeeded' });
  const unreadable = await runCli(['status', workflowId], { LOCKSTEP_TASK_QUEUE: taskQueue });
  expect(unreadable.code).not.toBe(0);
  expect(unreadable.stderr).toContain(`the report of ${workflowId} is encoded as binary/encrypted, which this client cannot read: it is encrypted: set LOCKSTEP_ENCRYPTION_KEY or LOCKSTEP_ENCRYPTION_KEY_FILE to the key the workers use`);
});

test('the codec server refuses a request without its token (401), answers the CORS preflight, and round-trips with it', async () => {
  const payloads = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(SECRET)).toString('base64') }] };
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${codecUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...(auth ? { Authorization: auth } : {}) },
      body: JSON.stringify(body),
    });

  const refused = await post('/encode', payloads);
  expect(refused.status).toBe(401);
  expect((await post('/decode', payloads, 'Bearer wrong')).status).toBe(401);

  const preflight = await fetch(`${codecUrl}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: WEB_UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-namespace');

  const encoded = await post('/encode', payloads, `Bearer ${TOKEN}`);
  expect(encoded.status).toBe(200);
  expect(encoded.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  const sealed = (await encoded.json()) as typeof payloads;
  expect(Buffer.from(sealed.payloads[0]!.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(JSON.stringify(sealed)).not.toContain(Buffer.from(JSON.stringify(SECRET)).toString('base64'));
  const opened = await post('/default/decode', sealed, `Bearer ${TOKEN}`);
  expect(await opened.json()).toEqual(payloads);

  const bad = await post('/decode', { payloads: [{ metadata: { encoding: 'not base64!' } }] }, `Bearer ${TOKEN}`);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toContain('payloads.0.metadata.encoding: not base64');
});

/** A client of the test's own (the SDK's, as a user's program would be) encrypting with the given key. */
function clientWithKey(key: string): Client {
  const keyring = encryptionKeyring({ LOCKSTEP_ENCRYPTION_KEY: key });
  if (!keyring) throw new Error('no key');
  return new Client({ connection: suite.client.connection, dataConverter: { payloadCodecs: [new EncryptionCodec(keyring)] } });
}

test('a signal encrypted with another key is refused by the worker, which says why; the release goes on', async () => {
  const otherId = `enc-sig-${randomUUID().slice(0, 8)}`;
  fleet.hold('deploy', 'cache');
  const file = fleet.writeManifest(fleet.manifest(otherId, [fleet.service('cache', '2.0.0')]), 'signal.json');
  const started = await runCli(['release', file], withKey);
  expect(started.code).toBe(0);
  await waitFor(() => fleet.events().some((e) => e.startsWith('deploy-start cache')), 'the deploy of cache to start');

  const handle = clientWithKey(`k2:${randomBytes(32).toString('base64')}`).workflow.getHandle(`release/test/${otherId}`);
  await handle.signal(abortSignal, { reason: 'sent with the wrong key' });
  const worker = suite.workers[0]!;
  await waitFor(() => worker.output().includes('payload encrypted with key \\"k2\\" but this process has keys k1'), 'the worker to report the foreign key');
  fleet.letGo('deploy', 'cache');
  const report = (await clientWithKey(k1).workflow.getHandle(`release/test/${otherId}`).result()) as ReleaseReport;
  expect(report.status).toBe('Succeeded');
  expect(report.abort).toBeUndefined();
});
