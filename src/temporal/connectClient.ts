/** A Temporal client for the CLI; failing to connect is a `TemporalUnreachable` error (exit code 4). */
import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from './connectionOptions';

export class TemporalUnreachable extends Error {
  constructor(address: string, cause: unknown) {
    super(
      `cannot reach Temporal at ${address} (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'start one with `lockstep dev` or set TEMPORAL_ADDRESS',
    );
    this.name = 'TemporalUnreachable';
  }
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: settings.address,
      tls: settings.tls,
      apiKey: settings.apiKey,
      connectTimeout: '5s',
    });
  } catch (err) {
    throw new TemporalUnreachable(settings.address, err);
  }
  return new Client({ connection, namespace: settings.namespace });
}
