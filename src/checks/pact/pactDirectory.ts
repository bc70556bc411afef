/**
 * The pacts as consumers' CI lays them out: `<pacts>/<consumer>/<consumerVersion>/*.json`. Reads
 * the folders of the given consumers (the manifest's services) and what each file says it is: a
 * pact between a consumer and a provider, or a file that is not one (bad JSON, no names).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export type PactFileEntry =
  | { kind: 'pact'; path: string; consumer: string; provider: string }
  | { kind: 'unreadable'; path: string; problem: string };

/** consumer -> consumerVersion -> its files. */
export type PactLayout = Map<string, Map<string, PactFileEntry[]>>;

const PactNames = z.object({
  consumer: z.object({ name: z.string().min(1) }),
  provider: z.object({ name: z.string().min(1) }),
  // HTTP pacts (V2-V4) list interactions; V3 message pacts list messages
  interactions: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
});

/** What a pact file's text says: its consumer and provider, or why it is not a pact. */
export function readPactNames(text: string): { consumer: string; provider: string } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { problem: `not valid JSON (${(err as Error).message})` };
  }
  const names = PactNames.safeParse(json);
  if (!names.success || (names.data.interactions === undefined && names.data.messages === undefined)) {
    return { problem: 'not a pact: it needs consumer.name, provider.name and a list of interactions' };
  }
  return { consumer: names.data.consumer.name, provider: names.data.provider.name };
}

/** The `*.json` files of every `<dir>/<consumer>/<version>/` for the given consumers that have a folder. */
export async function readPactLayout(dir: string, consumers: Iterable<string>): Promise<PactLayout> {
  const layout: PactLayout = new Map();
  for (const consumer of consumers) {
    const versions = await subdirectories(join(dir, consumer));
    if (versions.length === 0) continue;
    const byVersion = new Map<string, PactFileEntry[]>();
    for (const version of versions) {
      byVersion.set(version, await readVersionFolder(join(dir, consumer, version)));
    }
    layout.set(consumer, byVersion);
  }
  return layout;
}

async function readVersionFolder(folder: string): Promise<PactFileEntry[]> {
  const files = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();
  const entries: PactFileEntry[] = [];
  for (const name of files) {
    const path = join(folder, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      entries.push({ kind: 'unreadable', path, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
      continue;
    }
    const names = readPactNames(text);
    entries.push('problem' in names ? { kind: 'unreadable', path, problem: names.problem } : { kind: 'pact', path, ...names });
  }
  return entries;
}

async function subdirectories(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}
