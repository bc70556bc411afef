/** Unit: `temporalSettings` — flags beat the environment, the environment still works, and every bad setting is one clear line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidConnectionSettings, temporalSettings, type TemporalFlags } from '../../src/temporal/connectionOptions';
import { makeTestPki, type TestPki } from './grpcTlsProxy';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});

function failure(flags: TemporalFlags, env: NodeJS.ProcessEnv = {}): string {
  try {
    temporalSettings(flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConnectionSettings);
    return (err as Error).message;
  }
  throw new Error('expected InvalidConnectionSettings');
}

test('defaults: 127.0.0.1:7233, namespace default, task queue lockstep, plaintext', () => {
  expect(temporalSettings({}, {})).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'lockstep', apiKey: undefined, tls: undefined });
});

test('the environment still works on its own', () => {
  const settings = temporalSettings(
    {},
    {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'deploys',
      LOCKSTEP_TASK_QUEUE: 'q',
      TEMPORAL_TLS_CA: pki.caPem,
      TEMPORAL_TLS_CERT: pki.clientPem,
      TEMPORAL_TLS_KEY: pki.clientKey,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      TEMPORAL_API_KEY: 'env-key',
    },
  );
  expect(settings).toMatchObject({ address: 'temporal.internal:7233', namespace: 'deploys', taskQueue: 'q', apiKey: 'env-key' });
  expect(settings.tls?.serverNameOverride).toBe('temporal.test');
  expect(settings.tls?.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE');
  expect(settings.tls?.clientCertPair?.key.toString()).toContain('PRIVATE KEY');
});

test('each flag beats its environment variable', () => {
  const env = {
    TEMPORAL_ADDRESS: 'from-env:7233',
    TEMPORAL_NAMESPACE: 'env-ns',
    TEMPORAL_TLS_CA: '/nonexistent/env-ca.pem',
    TEMPORAL_TLS_CERT: '/nonexistent/env-cert.pem',
    TEMPORAL_TLS_KEY: '/nonexistent/env-key.pem',
    TEMPORAL_TLS_SERVER_NAME: 'env.example',
    TEMPORAL_API_KEY: 'env-key',
  };
  const settings = temporalSettings(
    { address: 'from-flag:7233', namespace: 'flag-ns', tlsCa: pki.caPem, tlsCert: pki.clientPem, tlsKey: pki.clientKey, tlsServerName: 'temporal.test', apiKey: 'flag-key' },
    env,
  );
  expect(settings).toMatchObject({ address: 'from-flag:7233', namespace: 'flag-ns', apiKey: 'flag-key' });
  expect(settings.tls?.serverNameOverride).toBe('temporal.test');
  expect(settings.tls?.clientCertPair).toBeDefined();
});

test('TLS: --tls, TEMPORAL_TLS=true, an API key or any TLS setting turns it on; nothing else does', () => {
  expect(temporalSettings({ tls: true }, {}).tls).toEqual({ serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined });
  expect(temporalSettings({}, { TEMPORAL_TLS: 'true' }).tls).toBeDefined();
  expect(temporalSettings({}, { TEMPORAL_TLS: 'false' }).tls).toBeUndefined();
  expect(temporalSettings({ apiKey: 'k' }, {}).tls).toBeDefined();
  expect(temporalSettings({}, { TEMPORAL_API_KEY: 'k' }).tls).toBeDefined();
  expect(temporalSettings({ tlsServerName: 'x.example' }, {}).tls).toBeDefined();
  expect(temporalSettings({ tlsCa: pki.caPem }, {}).tls).toBeDefined();
  expect(temporalSettings({ address: 'x:1' }, {}).tls).toBeUndefined();
});

test('an address that is not host:port names its source', () => {
  for (const bad of ['localhost', 'http://temporal:7233', 'temporal:', ':7233', 'temporal:0', 'temporal:70000', 'a b:7233']) {
    expect(failure({ address: bad })).toBe(`--address "${bad}": not host:port; give e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233 (no scheme, no path)`);
  }
  expect(failure({}, { TEMPORAL_ADDRESS: 'localhost' })).toMatch(/^TEMPORAL_ADDRESS "localhost": not host:port/);
  for (const good of ['127.0.0.1:7233', 'my-ns.a1b2c.tmprl.cloud:7233', '[::1]:7233', 'temporal-frontend:443']) {
    expect(temporalSettings({ address: good }, {}).address).toBe(good);
  }
});

test('files: unreadable, not PEM, no certificate, a key that is not the certificate\'s', () => {
  expect(failure({ tlsCa: '/x/ca.pem' })).toBe('--tls-ca: cannot read /x/ca.pem (ENOENT); give a readable PEM file (the CA certificate that signed the server certificate)');
  expect(failure({}, { TEMPORAL_TLS_CA: '/x/ca.pem' })).toMatch(/^TEMPORAL_TLS_CA: cannot read \/x\/ca.pem \(ENOENT\)/);
  expect(failure({ tlsCa: pki.dir })).toBe(`--tls-ca: cannot read ${pki.dir} (EISDIR); give a readable PEM file (the CA certificate that signed the server certificate)`);
  const notPem = join(pki.dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  expect(failure({ tlsCa: notPem })).toBe(`--tls-ca: ${notPem} is not PEM (no "-----BEGIN" line); give a PEM file (the CA certificate that signed the server certificate)`);
  expect(failure({ tlsCa: pki.clientKey })).toMatch(/^--tls-ca: .*client\.key holds no valid certificate \(.*\); give a PEM certificate$/);
  expect(failure({ tlsCert: '/x/cert.pem', tlsKey: pki.clientKey })).toMatch(/^--tls-cert: cannot read \/x\/cert.pem \(ENOENT\)/);
  expect(failure({ tlsCert: pki.clientPem, tlsKey: '/x/key.pem' })).toMatch(/^--tls-key: cannot read \/x\/key.pem \(ENOENT\)/);
  expect(failure({ tlsCert: pki.clientPem, tlsKey: pki.clientPem })).toMatch(/^--tls-key: .*client\.pem holds no usable private key/);
  expect(failure({ tlsCert: pki.clientPem, tlsKey: pki.otherKey })).toBe(
    `--tls-cert ${pki.clientPem} and --tls-key ${pki.otherKey} do not belong together; give the key of that certificate`,
  );
});

test('a certificate needs its key and a key its certificate, whichever source each comes from', () => {
  expect(failure({ tlsCert: pki.clientPem })).toBe('--tls-cert given without a key; add --tls-key <file> (or TEMPORAL_TLS_KEY): a client certificate needs its private key');
  expect(failure({ tlsKey: pki.clientKey })).toBe('--tls-key given without a certificate; add --tls-cert <file> (or TEMPORAL_TLS_CERT): a private key needs its client certificate');
  expect(failure({}, { TEMPORAL_TLS_CERT: pki.clientPem })).toMatch(/^TEMPORAL_TLS_CERT given without a key/);
  // a flag and a variable make a pair
  expect(temporalSettings({ tlsCert: pki.clientPem }, { TEMPORAL_TLS_KEY: pki.clientKey }).tls?.clientCertPair).toBeDefined();
});

test('empty namespace or API key', () => {
  expect(failure({ namespace: '' })).toMatch(/^--namespace: empty/);
  expect(failure({ apiKey: ' ' })).toMatch(/^--api-key: empty/);
});
