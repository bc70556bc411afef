/**
 * `lockstep temporal <args...>`: the resolved Temporal CLI, run against the server Lockstep's own
 * connection settings name, with stdio and the exit code passed through. Against the suite's real
 * server; one case uses a stand-in binary (TEMPORAL_CLI_PATH) to see exactly which arguments and
 * variables the Temporal CLI receives, and an exit code other than 0 and 1.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runCli } from '../support/runCli';
import { makeTestPki } from './grpcTlsProxy';

const address = () => process.env.TEMPORAL_ADDRESS!;

describe('against the test server', () => {
  let client: Client;
  const workflowId = `temporal-command-${randomUUID()}`;
  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: address() }), namespace: process.env.TEMPORAL_NAMESPACE });
    // a workflow nobody runs (no worker polls its queue): it stays Running, listed by the server
    await client.workflow.start('noSuchWorkflowType', { taskQueue: `temporal-command-${randomUUID()}`, workflowId, args: [] });
  });
  afterAll(async () => {
    await client?.workflow.getHandle(workflowId).terminate('end of the test').catch(() => undefined);
    await client?.connection.close();
  });

  test('`lockstep temporal workflow list --query` lists the workflow, at the address given by Lockstep\'s --address', async () => {
    // no TEMPORAL_ADDRESS: the Temporal CLI's own default (localhost:7233) is not the test server
    const result = await runCli(['temporal', '--address', address(), 'workflow', 'list', '--query', `WorkflowId = "${workflowId}"`, '--output', 'json'], {
      TEMPORAL_ADDRESS: undefined,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { execution: { workflowId: string }; type: { name: string }; status: string }[];
    expect(listed.map((w) => [w.execution.workflowId, w.type.name, w.status])).toEqual([[workflowId, 'noSuchWorkflowType', 'WORKFLOW_EXECUTION_STATUS_RUNNING']]);
  });

  test('the exit code and the stderr of a failing temporal command are passed through', async () => {
    const result = await runCli(['temporal', 'workflow', 'describe', '--workflow-id', `no-such-${randomUUID()}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/workflow not found/i);
    expect(result.stderr).not.toMatch(/^lockstep:/m); // the Temporal CLI's own message, not one of Lockstep's
  });

  test('a bad connection setting is Lockstep\'s one-line error, exit 3, before anything runs', async () => {
    const result = await runCli(['temporal', '--address', 'http://127.0.0.1:7233', 'workflow', 'list']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('lockstep: --address "http://127.0.0.1:7233": not host:port; give e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233 (no scheme, no path)\n');
  });
});

test('the Temporal CLI gets the arguments as given, the connection settings as its own variables, and its exit code is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-temporal-command-'));
  const standIn = join(dir, 'temporal');
  writeFileSync(standIn, '#!/bin/sh\nfor a in "$@"; do echo "arg: $a"; done\nenv | grep "^TEMPORAL_" | grep -v "^TEMPORAL_CLI_PATH=" | LC_ALL=C sort\necho "to stderr" >&2\nexit 7\n');
  chmodSync(standIn, 0o755);
  const pki = makeTestPki();
  const ca = pki.caPem;
  const result = await runCli(
    ['temporal', '--namespace', 'payments-ns', '--tls-server-name', 'temporal.internal', '--tls-cert', pki.clientPem, '--tls-key', pki.clientKey, 'workflow', 'list', '--limit', '3', '--query', 'LockstepStatus = "RolledBack"', '--namespace', 'given-after'],
    { TEMPORAL_CLI_PATH: standIn, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_API_KEY: 'key-1', TEMPORAL_TLS_CA: ca, TEMPORAL_NAMESPACE: undefined },
  );
  expect(result.code).toBe(7);
  expect(result.stderr).toBe('to stderr\n');
  expect(result.stdout.trim().split('\n')).toEqual([
    'arg: workflow',
    'arg: list',
    'arg: --limit',
    'arg: 3',
    'arg: --query',
    'arg: LockstepStatus = "RolledBack"',
    'arg: --namespace', // after the temporal command: the Temporal CLI's own flag, which beats the variable
    'arg: given-after',
    'TEMPORAL_ADDRESS=temporal.internal:7233',
    'TEMPORAL_API_KEY=key-1',
    'TEMPORAL_NAMESPACE=payments-ns',
    `TEMPORAL_TLS=true`,
    `TEMPORAL_TLS_CA=${ca}`, // Lockstep's own name, left as it was
    `TEMPORAL_TLS_CLIENT_CERT_PATH=${pki.clientPem}`,
    `TEMPORAL_TLS_CLIENT_KEY_PATH=${pki.clientKey}`,
    `TEMPORAL_TLS_SERVER_CA_CERT_PATH=${ca}`,
    'TEMPORAL_TLS_SERVER_NAME=temporal.internal',
  ]);
});
