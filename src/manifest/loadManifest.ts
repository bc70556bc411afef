/**
 * Reads a manifest file (YAML or JSON), validates it and resolves its relative paths against the
 * manifest's directory. Every problem is reported as `<field path>: <problem>`; nothing is started
 * from an invalid manifest.
 */
import { readFileSync, statSync } from 'node:fs';
import { jsonErrorWithLine } from './jsonErrorText';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, isScalar, parseDocument, type Document } from 'yaml';
import { Manifest, type ManifestInput } from './schema';
import { formatManifestErrors } from './manifestErrors';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './nestingDepth';
import { firstDuplicateKey } from './duplicateKeys';
import { manifestIssueMessages, type SourceOf } from './issueMessages';
import { sourceExcerpt } from './sourceExcerpt';

const MAX_BYTES = 1024 * 1024;

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    // a problem may carry an excerpt of the file on its following lines: indent them under it
    super(`invalid manifest ${file}:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`);
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
  const { value: raw, sourceOf } = parseText(text, file);
  const result = Manifest.safeParse(raw, { error: manifestIssueMessages(sourceOf) });
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

interface ParsedText {
  value: unknown;
  sourceOf: SourceOf;
}

function parseText(text: string, file: string): ParsedText {
  const parsed = parseDocumentText(text, file);
  if (nestsDeeperThan(parsed.value, MAX_NESTING_DEPTH)) throw new ManifestError(file, [TOO_DEEP]);
  return parsed;
}

const noSource: SourceOf = () => undefined;

function parseDocumentText(text: string, file: string): ParsedText {
  if (text.trim() === '') throw new ManifestError(file, ['file is empty']);
  if (extname(file).toLowerCase() === '.json') {
    try {
      return { value: JSON.parse(text), sourceOf: noSource };
    } catch (err) {
      throw new ManifestError(file, [`not valid JSON: ${jsonErrorWithLine((err as Error).message, text)}`]);
    }
  }
  // duplicate keys are checked below in linear time (the parser's own check is quadratic)
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    // the parser's own stack overflow on absurd nesting: its position varies with the stack size
    if (doc.errors.some((e) => e.message.startsWith('Maximum call stack size exceeded'))) throw new ManifestError(file, [TOO_DEEP]);
    throw new ManifestError(
      file,
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        const message = e.code === 'MULTIPLE_DOCS' ? 'a manifest is one YAML document; a second one starts here' : e.message;
        return `not valid YAML: ${message} at line ${at.line}, column ${at.col}:\n${sourceExcerpt(text, at.line, at.col)}`;
      }),
    );
  }
  const duplicate = firstDuplicateKey(doc, lines);
  if (duplicate) {
    const { line, col } = duplicate.at;
    throw new ManifestError(file, [`not valid YAML: ${duplicate.message} at line ${line}, column ${col}:\n${sourceExcerpt(text, line, col)}`]);
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 50 }), sourceOf: scalarSource(doc, text) };
  } catch (err) {
    throw new ManifestError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
}

/** The text of the scalar at a path as written (`1.0`, where the parsed value is the number 1). */
function scalarSource(doc: Document, text: string): SourceOf {
  return (path) => {
    const node = doc.getIn(path.map((p) => (typeof p === 'symbol' ? String(p) : p)), true);
    return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
  };
}
