/**
 * deploy/topology.env, the production topology's one source of versions, ports and settings
 * (docker-compose reads it through the `.env` link; the topology script reads it too). The format
 * is the part both readers agree on: `KEY=VALUE` lines, `#` comment lines, blank lines; no quotes,
 * no inline comments, no `export`. Anything else is an error naming the line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOPOLOGY_ENV_FILE = join(__dirname, '..', '..', 'deploy', 'topology.env');

const LINE = /^([A-Z][A-Z0-9_]*)=([^\s#'"]*)$/;

export function parseTopologyEnv(text: string, file = TOPOLOGY_ENV_FILE): Record<string, string> {
  const settings: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) throw new Error(`${file}:${index + 1}: expected KEY=VALUE (no quotes, spaces or inline comments), got: ${raw}`);
    const [, key, value] = match as unknown as [string, string, string];
    if (key in settings) throw new Error(`${file}:${index + 1}: ${key} is set twice`);
    settings[key] = value;
  });
  return settings;
}

export function readTopologyEnv(file = TOPOLOGY_ENV_FILE): Record<string, string> {
  return parseTopologyEnv(readFileSync(file, 'utf8'), file);
}
