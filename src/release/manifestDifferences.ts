/**
 * What differs between the manifest a release was started with and the one a user starts again
 * under the same id, as one line per difference (`payments: version 6.0.0 in the existing release,
 * 6.0.1 in this manifest`). Both sides are compared normalised: zod defaults filled in, relative
 * paths resolved, so `timeout: 5m` written or left to its default is the same manifest. Pure.
 */
import { Manifest, type ManifestInput } from '../manifest/schema';

/** What a release's workflow was given: the manifest and the directory its relative paths resolve against. */
export interface StartedManifest {
  manifest: ManifestInput;
  baseDir: string;
}

const EXISTING = 'in the existing release';
const REQUESTED = 'in this manifest';
const MAX_VALUE_CHARS = 80;

export function manifestDifferences(existing: StartedManifest, requested: StartedManifest): string[] {
  const before = Manifest.safeParse(existing.manifest);
  const after = Manifest.safeParse(requested.manifest);
  if (!after.success) return ['this manifest does not validate'];
  if (!before.success) return ["the existing release's manifest does not validate against this version of Lockstep"];
  const out: string[] = [];
  if (existing.baseDir !== requested.baseDir) out.push(`manifest directory: ${show(existing.baseDir)} ${EXISTING}, ${show(requested.baseDir)} ${REQUESTED}`);
  const { services: servicesBefore, ...specBefore } = before.data.spec;
  const { services: servicesAfter, ...specAfter } = after.data.spec;
  compare('', ['metadata'], before.data.metadata, after.data.metadata, out);
  compareServices(servicesBefore, servicesAfter, out);
  compare('', ['spec'], specBefore, specAfter, out);
  if (out.length === 0 && JSON.stringify(before.data) !== JSON.stringify(after.data)) {
    out.push('spec.services: the same services, listed in another order');
  }
  return out;
}

function compareServices(before: Manifest['spec']['services'], after: Manifest['spec']['services'], out: string[]): void {
  const byName = new Map(after.map((s) => [s.name, s]));
  const names = new Set(before.map((s) => s.name));
  for (const service of before) {
    const other = byName.get(service.name);
    if (!other) out.push(`${service.name}: ${EXISTING}, not ${REQUESTED}`);
    else compare(service.name, [], { ...service, name: undefined }, { ...other, name: undefined }, out);
  }
  for (const service of after) if (!names.has(service.name)) out.push(`${service.name}: ${REQUESTED}, not ${EXISTING}`);
}

/**
 * Walks two values in step. A difference under a service reads `<service>: <field path> <a> …`,
 * any other `<field path>: <a> …`.
 */
function compare(service: string, path: string[], a: unknown, b: unknown, out: string[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) compare(service, [...path, key], a[key], b[key], out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const what = service ? `${service}: ${path.join('.')} ` : `${path.join('.')}: `;
  out.push(`${what}${show(a)} ${EXISTING}, ${show(b)} ${REQUESTED}`);
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
