/**
 * `lockstep codec-server`: Temporal's codec endpoint with this process's payload keys, so the Web UI
 * and `temporal --codec-endpoint` show encrypted payloads decrypted. Runs until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { startCodecServer } from '../../codec/codecServer';
import { EncryptionCodec } from '../../codec/encryptionCodec';
import { KEY_FILE_VARIABLE, KEY_VARIABLE, encryptionKeyring, keyIds } from '../../codec/encryptionKeys';
import { EXIT_CODES } from '../../release/releaseStatus';
import { CliError } from '../cliErrors';

interface CodecServerFlags {
  port: string;
  host: string;
  token?: string;
  corsOrigin?: string;
}

function portOf(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : -1;
  if (port < 0 || port > 65535) throw new CliError(`--port "${text}": not a port; give 0-65535 (0: any free port)`, EXIT_CODES.invalidInput);
  return port;
}

function originOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new CliError(`--cors-origin "${text}": not an origin; give scheme://host[:port], e.g. http://localhost:8233 (the Web UI's address)`, EXIT_CODES.invalidInput);
  }
  return url.origin;
}

export function registerCodecServer(program: Command): void {
  program
    .command('codec-server')
    .description(`serve Temporal's codec endpoint (POST /encode, /decode) with the payload keys of ${KEY_VARIABLE} or ${KEY_FILE_VARIABLE}`)
    .option('--port <port>', 'port (0: any free port)', '8888')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--token <token>', 'require "Authorization: Bearer <token>" (env LOCKSTEP_CODEC_TOKEN)')
    .option('--cors-origin <url>', 'origin allowed to call from a browser: the Web UI, e.g. http://localhost:8233')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ LOCKSTEP_ENCRYPTION_KEY_FILE=keys.txt lockstep codec-server --cors-origin http://localhost:8233\n' +
        '  $ temporal workflow show --workflow-id release/staging/checkout-42 --codec-endpoint http://127.0.0.1:8888',
    )
    .action(async (opts: CodecServerFlags) => {
      const port = portOf(opts.port);
      const corsOrigin = originOf(opts.corsOrigin);
      const token = opts.token ?? (process.env.LOCKSTEP_CODEC_TOKEN || undefined);
      const keyring = encryptionKeyring();
      if (!keyring) throw new CliError(`no payload key: set ${KEY_VARIABLE} (base64 of 32 bytes) or ${KEY_FILE_VARIABLE} (one <id>:<base64 key> a line)`, EXIT_CODES.invalidInput);
      const server = await startCodecServer({ codec: new EncryptionCodec(keyring), host: opts.host, port, token, corsOrigin });
      console.error(
        `lockstep codec-server: listening on ${server.url} (keys ${keyIds(keyring)}; encrypting with ${keyring.keys[0].id}` +
          `${token ? '; bearer token required' : ''}${corsOrigin ? `; CORS for ${corsOrigin}` : ''})`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
