/**
 * Reads a manifest file (YAML or JSON), validates it and resolves its relative paths against the
 * manifest's directory. Every problem is reported as `<field path>: <problem>`; nothing is started
 * from an invalid manifest.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { Manifest, type ManifestInput } from './schema';
import { formatManifestErrors } from './manifestErrors';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './nestingDepth';
import { firstDuplicateKey } from './duplicateKeys';

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

const TOO_DEEP = `nests deeper than ${MAX_NESTING_DEPTH} levels`;

function parseText(text: string, file: string): unknown {
  const value = parseDocumentText(text, file);
  if (nestsDeeperThan(value, MAX_NESTING_DEPTH)) throw new ManifestError(file, [TOO_DEEP]);
  return value;
}

function parseDocumentText(text: string, file: string): unknown {
  if (text.trim() === '') throw new ManifestError(file, ['file is empty']);
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ManifestError(file, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  // duplicate keys are checked below in linear time (the parser's own check is quadratic)
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    // the parser's own stack overflow on absurd nesting: its position varies with the stack size
    if (doc.errors.some((e) => e.message.startsWith('Maximum call stack size exceeded'))) throw new ManifestError(file, [TOO_DEEP]);
    throw new ManifestError(file, doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`));
  }
  const duplicate = firstDuplicateKey(doc, lines);
  if (duplicate) throw new ManifestError(file, [`not valid YAML: ${duplicate}`]);
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    throw new ManifestError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
}
