/**
 * The connection flags through real CLI processes: on every command's --help; each bad setting is
 * one line and exit 3; a TLS handshake against the plaintext test server, or an API key (which
 * implies TLS), is one line and exit 4 naming the handshake (not gRPC's deadline); and against a
 * real TLS endpoint (a TLS front for the test server) --tls-ca, --tls-server-name,
 * --tls-cert/--tls-key and --api-key do what they say.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/runCli';
import { FakeFleet } from '../support/fakeFleet';
import { CONNECTION_FLAG_NAMES } from '../../src/cli/connectionFlags';
import { makeTestPki, SERVER_NAME, startGrpcTlsProxy, type GrpcTlsProxy, type TestPki } from './grpcTlsProxy';

const TEMPORAL_COMMANDS = ['plan', 'release', 'status', 'list', 'history', 'dora', 'pause', 'resume', 'abort', 'approve', 'report', 'worker'];

let pki: TestPki;
let tlsFront: GrpcTlsProxy;
let mutualTlsFront: GrpcTlsProxy;
let apiKeyFront: GrpcTlsProxy;
beforeAll(async () => {
  pki = makeTestPki();
  const upstream = process.env.TEMPORAL_ADDRESS!;
  tlsFront = await startGrpcTlsProxy({ upstream, pki });
  mutualTlsFront = await startGrpcTlsProxy({ upstream, pki, mutualTls: true });
  apiKeyFront = await startGrpcTlsProxy({ upstream, pki, apiKey: 'good-key' });
});
afterAll(async () => {
  await Promise.all([tlsFront, mutualTlsFront, apiKeyFront].map((p) => p?.close()));
});

/** One line on stderr, prefixed like every CLI error, with no stack trace. */
function expectOneLineError(result: CliResult, code: number, message: string | RegExp): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringMatching(/^lockstep: [^\n]*\n$/) });
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
}

test('every command that talks to Temporal lists the connection flags in its --help, with an example', async () => {
  const helps = await Promise.all(TEMPORAL_COMMANDS.map((command) => runCli([command, '--help'])));
  helps.forEach((help, i) => {
    expect({ command: TEMPORAL_COMMANDS[i], code: help.code }).toEqual({ command: TEMPORAL_COMMANDS[i], code: 0 });
    expect(help.stdout).toContain('Temporal connection (flags beat the environment variables):');
    for (const flag of CONNECTION_FLAG_NAMES) expect(help.stdout).toContain(`  ${flag}`);
    expect(help.stdout).toMatch(/Examples?:\n {2}\$ .*lockstep /);
  });
  expect(CONNECTION_FLAG_NAMES).toEqual(['--address', '--namespace', '--tls', '--tls-ca', '--tls-cert', '--tls-key', '--tls-server-name', '--api-key']);
});

test('bad connection settings: one line naming the flag and what to give, exit 3, nothing contacted', async () => {
  const fleet = new FakeFleet();
  const manifest = fleet.writeManifest(fleet.manifest('never-started', [fleet.service('a', '1.0.0')]));
  const notPem = join(pki.dir, 'not.pem');
  writeFileSync(notPem, 'not a certificate');
  const cases: [string[], string | RegExp][] = [
    [['status', 'test/x', '--tls-ca', '/x/ca.pem'], '--tls-ca: cannot read /x/ca.pem (ENOENT); give a readable PEM file'],
    [['list', '--tls-cert', pki.clientPem], '--tls-cert given without a key; add --tls-key <file> (or TEMPORAL_TLS_KEY)'],
    [['pause', 'test/x', '--tls-key', pki.clientKey], '--tls-key given without a certificate; add --tls-cert <file> (or TEMPORAL_TLS_CERT)'],
    [['report', 'test/x', '--address', 'localhost'], '--address "localhost": not host:port; give e.g. 127.0.0.1:7233'],
    [['abort', 'test/x', '--reason', 'r', '--address', 'https://temporal.example.com:7233'], '--address "https://temporal.example.com:7233": not host:port'],
    [['release', manifest, '--tls-cert', pki.clientPem, '--tls-key', pki.otherKey], /--tls-cert .*client\.pem and --tls-key .*other\.key do not belong together/],
    [['worker', '--tls-ca', notPem], `--tls-ca: ${notPem} is not PEM (no "-----BEGIN" line)`],
    [['approve', 'test/x', '--gate', 'g', '--by', 'b', '--api-key', ''], '--api-key: empty; give the Temporal Cloud API key'],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((result, i) => expectOneLineError(result, 3, cases[i]![1]));
  // the environment variables are checked the same way
  expectOneLineError(await runCli(['status', 'test/x'], { TEMPORAL_TLS_CA: '/x/env-ca.pem' }), 3, 'TEMPORAL_TLS_CA: cannot read /x/env-ca.pem (ENOENT)');
});

// The CLI's elapsed time is not asserted (a busy machine can take seconds to start it): an answer that
// waited for gRPC's deadline would say "deadline exceeded", not name the failed handshake.
test('--tls against the plaintext test server: exit 4 in one line naming the failed handshake, not a deadline', async () => {
  const results = await Promise.all([
    runCli(['status', 'test/x', '--tls']),
    runCli(['worker', '--tls', '--task-queue', 'never-polled']),
    runCli(['status', 'test/x'], { TEMPORAL_TLS: 'true' }),
  ]);
  for (const result of results) {
    expectOneLineError(
      result,
      4,
      `cannot reach Temporal at ${process.env.TEMPORAL_ADDRESS}: no TLS handshake: the server does not speak TLS there (ERR_SSL_WRONG_VERSION_NUMBER); check --address (or TEMPORAL_ADDRESS), or drop --tls/--api-key`,
    );
  }
});

test('--api-key turns TLS on: against the plaintext test server it fails the same clean way', async () => {
  const result = await runCli(['list', '--api-key', 'some-key']);
  expectOneLineError(result, 4, 'no TLS handshake: the server does not speak TLS there');
});

test('nothing listening, or an unknown namespace: one line each', async () => {
  const [refused, namespace] = await Promise.all([runCli(['list', '--address', '127.0.0.1:1']), runCli(['list', '--namespace', 'no-such-namespace'])]);
  expectOneLineError(refused, 4, 'cannot reach Temporal at 127.0.0.1:1: connection refused; nothing listens there; check --address');
  expectOneLineError(namespace, 3, 'no namespace "no-such-namespace" on this server; check --namespace (or TEMPORAL_NAMESPACE)');
});

test('a real TLS endpoint: --tls-ca and --tls-server-name connect; without them the certificate is refused in one line', async () => {
  const tls = ['--address', tlsFront.address];
  const [ok, noCa, noName, viaEnv] = await Promise.all([
    runCli(['list', '--limit', '1', '--json', ...tls, '--tls-ca', pki.caPem, '--tls-server-name', SERVER_NAME]),
    runCli(['list', ...tls, '--tls']),
    runCli(['list', ...tls, '--tls-ca', pki.caPem]),
    runCli(['list', '--limit', '1', '--json'], { TEMPORAL_ADDRESS: tlsFront.address, TEMPORAL_TLS_CA: pki.caPem, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME }),
  ]);
  expect(ok.stderr).toBe('');
  expect(ok.code).toBe(0);
  expect(Array.isArray(JSON.parse(ok.stdout))).toBe(true);
  expect(viaEnv.code).toBe(0);
  expectOneLineError(noCa, 4, /the server's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*\); check --tls-ca and --tls-server-name$/m);
  expectOneLineError(noName, 4, "the server's TLS certificate is for other names (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list); give --tls-server-name");
});

test('mutual TLS: without a client certificate refused in one line; with --tls-cert/--tls-key connected', async () => {
  const tls = ['--address', mutualTlsFront.address, '--tls-ca', pki.caPem, '--tls-server-name', SERVER_NAME];
  const [without, withCert] = await Promise.all([
    runCli(['list', ...tls]),
    runCli(['list', '--json', '--limit', '1', ...tls, '--tls-cert', pki.clientPem, '--tls-key', pki.clientKey]),
  ]);
  expectOneLineError(without, 4, 'the server refused the TLS handshake (tlsv13 alert certificate required');
  expect(without.stderr).toContain('check --tls-cert and --tls-key');
  expect(withCert.code).toBe(0);
});

test('--api-key reaches the server as a bearer token; a wrong key is one line and exit 4; the flag beats TEMPORAL_API_KEY', async () => {
  const tls = ['--address', apiKeyFront.address, '--tls-ca', pki.caPem, '--tls-server-name', SERVER_NAME];
  const [good, bad, fromEnv, flagBeatsEnv] = await Promise.all([
    runCli(['list', '--json', '--limit', '1', ...tls, '--api-key', 'good-key']),
    runCli(['list', ...tls, '--api-key', 'wrong-key']),
    runCli(['list', '--json', '--limit', '1', ...tls], { TEMPORAL_API_KEY: 'good-key' }),
    runCli(['list', ...tls, '--api-key', 'wrong-key'], { TEMPORAL_API_KEY: 'good-key' }),
  ]);
  expect(good.code).toBe(0);
  expect(fromEnv.code).toBe(0);
  for (const refused of [bad, flagBeatsEnv]) {
    expectOneLineError(refused, 4, `cannot reach Temporal at ${apiKeyFront.address}: the server refused the credentials (Request unauthorized: invalid API key); check --api-key`);
  }
});

test('plaintext against a TLS endpoint: one line that says to add --tls', async () => {
  const result = await runCli(['list', '--address', tlsFront.address]);
  expectOneLineError(result, 4, /cannot reach Temporal at .*\(the server answers TLS there\); add --tls/);
});
