/** Reads a schema file the manifest names (relative to the manifest's folder), with a clear error when it cannot. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SchemaSource } from './schemaComparer';

/** A schema file that could not be read; the message names the path as the manifest gives it. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
}

export async function readSchemaFile(path: string, baseDir: string): Promise<SchemaSource> {
  const absolute = resolve(baseDir, path);
  try {
    return { label: path, text: await readFile(absolute, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new UnreadableFile(`cannot read ${path}: ${why} (${absolute})`);
  }
}
