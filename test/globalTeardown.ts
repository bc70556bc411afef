/** Jest global teardown: stops the suite's Temporal dev server (none when an existing one was used). */
import { SERVER_KEY, suiteServer } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  const server = suiteServer();
  if (!server) return;
  await server.stop();
  delete (globalThis as Record<string, unknown>)[SERVER_KEY];
}
