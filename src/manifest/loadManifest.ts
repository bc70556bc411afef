/**
 * Reads a manifest file (YAML or JSON), validates it and resolves its relative paths against the
 * manifest's directory. Every problem is reported as `<field path>: <problem>`; nothing is started
 * from an invalid manifest.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { Manifest, type ManifestInput } from './schema';
import { formatManifestErrors } from './manifestErrors';

const MAX_BYTES = 1024 * 1024;

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid manifest ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

export interface LoadedManifest {
  file: string;
  /** The manifest's directory: relative paths resolve against it. */
  baseDir: string;
  /** Validated, defaults filled in. */
  manifest: Manifest;
  /** As written, with relative paths made absolute: what the workflow receives. */
  input: ManifestInput;
}

export function loadManifest(path: string): LoadedManifest {
  const file = resolve(path);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new ManifestError(file, [`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  if (size > MAX_BYTES) throw new ManifestError(file, [`file is ${size} bytes; a manifest may have at most ${MAX_BYTES}`]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch {
    throw new ManifestError(file, ['file is not valid UTF-8 text']);
  }
  return parseManifestText(text, file);
}

/** Parses and validates manifest text; `file` names it in errors and gives the base directory. */
export function parseManifestText(text: string, file: string): LoadedManifest {
  const raw = parseText(text, file);
  const result = Manifest.safeParse(raw);
  if (!result.success) throw new ManifestError(file, formatManifestErrors(result.error));
  const baseDir = dirname(file);
  const input = structuredClone(raw) as ManifestInput;
  for (const service of input.spec.services) {
    if (service.target.kind === 'command' || service.target.kind === 'process') {
      service.target.cwd = resolve(baseDir, service.target.cwd ?? '.');
    }
  }
  return { file, baseDir, manifest: result.data, input };
}

function parseText(text: string, file: string): unknown {
  if (text.trim() === '') throw new ManifestError(file, ['file is empty']);
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ManifestError(file, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ManifestError(file, doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`));
  }
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    throw new ManifestError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
}
