/**
 * Protobuf with buf (`@bufbuild/buf`, its binary comes in npm): each schema is written as a one-file
 * module in a temporary folder, always as `schema.proto` (buf compares files by path), and
 * `buf breaking <input> --against <other>` decides; it exits 100 with its reasons on stdout, and
 * also exits 100 with a compile error on stderr, so every schema is first built on its own.
 * Rules: buf's WIRE category (what matters for encoded messages, not generated code's names).
 * BACKWARD: `buf breaking <new> --against <old>`, as buf is meant to be used. FORWARD: the old schema
 * as the input against the new one, without the rules that forbid deleting fields, enum values and
 * reservations: reversed, they would forbid adding any (an old reader skips unknown fields).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../targets/runCommand';
import { MalformedSchema, type CompatibilityDirection, type SchemaComparer, type SchemaSource } from './schemaComparer';

const FILE = 'schema.proto';
const BUF_EXIT_FAILED = 100;
/** Rules that guard the number space as the newer schema's author's duty, meaningless reversed. */
const REVERSED_EXCEPT = [
  'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED',
  'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED',
  'RESERVED_ENUM_NO_DELETE',
  'RESERVED_MESSAGE_NO_DELETE',
];

interface LoadedProto {
  label: string;
  /** The module's folder name under the session's temporary folder. */
  module: string;
}

export interface ProtobufComparerOptions {
  signal: AbortSignal;
  heartbeat?: () => void;
  timeoutMs: number;
}

export function createProtobufComparer(opts: ProtobufComparerOptions): SchemaComparer<LoadedProto> {
  let root: string | undefined;
  let modules = 0;
  const buf = async (args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const result = await runCommand({
      argv: [bufBinary(), ...args],
      cwd: root!,
      env: { BUF_CACHE_DIR: join(root!, '.cache') },
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      heartbeat: opts.heartbeat,
    });
    return { exitCode: result.exitCode, stdout: result.stdoutTail.trim(), stderr: result.stderrTail.trim() };
  };
  return {
    async load(source: SchemaSource): Promise<LoadedProto> {
      root ??= await mkdtemp(join(tmpdir(), 'lockstep-schema-'));
      const module = `m${++modules}`;
      await mkdir(join(root, module));
      await writeFile(join(root, module, FILE), source.text);
      await writeFile(join(root, module, 'buf.yaml'), 'version: v2\n');
      const built = await buf(['build', module, '-o', '/dev/null']);
      if (built.exitCode !== 0) {
        throw new MalformedSchema(`${source.label} is not a valid .proto file: ${named(built.stderr || built.stdout, module, source.label)}`);
      }
      return { label: source.label, module };
    },
    async incompatibility(newer, older, direction: CompatibilityDirection): Promise<string | undefined> {
      const [input, against] = direction === 'backward' ? [newer, older] : [older, newer];
      const except = direction === 'backward' ? [] : REVERSED_EXCEPT;
      await writeFile(join(root!, input.module, 'buf.yaml'), `version: v2\nbreaking:\n  use: [WIRE]\n  except: [${except.join(', ')}]\n`);
      const result = await buf(['breaking', input.module, '--against', against.module]);
      if (result.exitCode === 0) return undefined;
      const what = direction === 'backward' ? 'the new schema breaks data written with the old one' : 'the old schema cannot read data written with the new one';
      if (result.exitCode === BUF_EXIT_FAILED && result.stdout) return `${what}: ${named(result.stdout, input.module, input.label)}`;
      return `buf breaking exited ${result.exitCode}: ${named(result.stderr || result.stdout, input.module, input.label)}`;
    },
    async close(): Promise<void> {
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}

/** buf's paths (`m1/schema.proto:5:3:...`) as the user's (`schemas/orders.v2.proto:5:3:...`), one line per reason. */
function named(output: string, module: string, label: string): string {
  return output.split(`${module}/${FILE}`).join(label).split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

/** The platform binary that @bufbuild/buf's launcher would run (spawned directly, so a cancel kills it). */
function bufBinary(): string {
  const os = platform() === 'win32' ? 'win32' : platform();
  const cpu = arch() === 'arm64' && os === 'linux' ? 'aarch64' : arch();
  return require.resolve(`@bufbuild/buf-${os}-${cpu}/bin/buf${os === 'win32' ? '.exe' : ''}`);
}
