/**
 * The `schema` check (DESIGN.md, "Checks", kind schema): the schema a release introduces must be
 * compatible, in the check's mode, with the previous schema file(s) or with the versions a schema
 * registry holds, and producers and consumers must deploy in the order the mode needs.
 *
 * Against `previous`, the format's library decides. Against a `registry`, both are asked:
 *   - the registry (POST /compatibility/subjects/<subject>/versions/latest, or /versions for
 *     _TRANSITIVE, ?verbose=true): its verdict at the subject's configured level is what a
 *     registration will meet, and its reasons, when it gives any, go into the finding;
 *   - the library, on the registered versions (GET /subjects/<subject>/versions, then each
 *     /versions/<n>), in the check's own mode: it explains why (Apicurio 3.3 answers
 *     `{"is_compatible":false}` with no reason) and holds the manifest's mode even where the
 *     registry is configured more loosely.
 * With a registry the registry's verdict counts even in mode NONE: it is what a registration meets.
 * What it finds wrong (an incompatibility, an order the mode forbids, a missing or malformed file,
 * an unreachable registry) is a failed finding; it rejects only when ctx.signal aborts.
 */
import { abortReason, throwIfAborted } from '../../targets/abortReason';
import { summarise, type CheckContext, type CheckFinding, type CheckOutcome, type CheckRunner } from '../check';
import { createAvroComparer } from './avroComparer';
import { directionsOf, isTransitive } from './compatibilityMode';
import { deployOrderFinding } from './deployOrder';
import { createJsonSchemaComparer } from './jsonSchemaComparer';
import { createProtobufComparer } from './protobufComparer';
import { MalformedSchema, type SchemaComparer } from './schemaComparer';
import { readSchemaFile, UnreadableFile } from './schemaFile';
import { createSchemaRegistryClient, RegistryError, RegistryUnreachable, type RegistrySchemaType } from './schemaRegistryClient';
import type { SchemaCheck, SchemaFormat } from './spec';

export const REGISTRY_SCHEMA_TYPES: Record<SchemaFormat, RegistrySchemaType> = { avro: 'AVRO', jsonschema: 'JSON', protobuf: 'PROTOBUF' };

export function createSchemaCheck(spec: SchemaCheck, opts: { timeoutMs: number }): CheckRunner {
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      throwIfAborted(ctx.signal);
      const findings: CheckFinding[] = [];
      const order = deployOrderFinding(spec.compatibility, spec.producers, spec.consumers, ctx.services);
      if (order) findings.push(order);
      const comparer = createComparer(spec.format, { signal: ctx.signal, heartbeat: ctx.heartbeat, timeoutMs: opts.timeoutMs });
      try {
        findings.push(...(spec.registry ? await againstRegistry(spec, spec.registry.url, comparer, ctx) : await againstFiles(spec, comparer, ctx)));
      } catch (err) {
        if (ctx.signal.aborted) throw abortReason(ctx.signal);
        findings.push({ item: spec.schema, status: 'failed', message: problem(err) });
      } finally {
        await comparer.close();
      }
      return summarise(findings, `checks of ${spec.subject}`);
    },
  };
}

function createComparer(format: SchemaFormat, opts: { signal: AbortSignal; heartbeat: () => void; timeoutMs: number }): SchemaComparer<unknown> {
  // each comparer only ever sees what its own load returned
  if (format === 'avro') return createAvroComparer() as SchemaComparer<unknown>;
  if (format === 'jsonschema') return createJsonSchemaComparer() as SchemaComparer<unknown>;
  return createProtobufComparer(opts) as SchemaComparer<unknown>;
}

async function againstFiles(spec: SchemaCheck, comparer: SchemaComparer<unknown>, ctx: CheckContext): Promise<CheckFinding[]> {
  const newer = await comparer.load(await readSchemaFile(spec.schema, ctx.baseDir));
  if (spec.compatibility === 'NONE') return [{ item: spec.schema, status: 'passed', message: 'compatibility NONE: not compared with earlier schemas' }];
  const files = typeof spec.previous === 'string' ? [spec.previous] : (spec.previous ?? []);
  const inScope = isTransitive(spec.compatibility) ? files : files.slice(-1);
  const findings: CheckFinding[] = [];
  for (const file of inScope) {
    const item = `${spec.schema} against ${file}`;
    try {
      const older = await comparer.load(await readSchemaFile(file, ctx.baseDir));
      findings.push(await compared(item, spec, comparer, newer, older));
    } catch (err) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      findings.push({ item, status: 'failed', message: problem(err) });
    }
  }
  return findings;
}

async function againstRegistry(spec: SchemaCheck, url: string, comparer: SchemaComparer<unknown>, ctx: CheckContext): Promise<CheckFinding[]> {
  const source = await readSchemaFile(spec.schema, ctx.baseDir);
  const newer = await comparer.load(source);
  const registry = createSchemaRegistryClient(url, ctx.signal);
  const type = REGISTRY_SCHEMA_TYPES[spec.format];
  const registryItem = `registry ${url} (${spec.subject})`;
  let versions: number[];
  try {
    versions = await registry.versions(spec.subject);
  } catch (err) {
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    return [{ item: registryItem, status: 'failed', message: problem(err) }];
  }
  if (versions.length === 0) {
    return [{ item: registryItem, status: 'passed', message: `subject ${spec.subject} has no registered version: nothing to be compatible with` }];
  }
  const transitive = isTransitive(spec.compatibility);
  const findings: CheckFinding[] = [];
  try {
    const verdict = await registry.testCompatibility(spec.subject, source.text, type, transitive ? 'all' : 'latest');
    const against = transitive ? `versions ${versions.join(', ')}` : `version ${versions[versions.length - 1]}`;
    findings.push(
      verdict.compatible
        ? { item: registryItem, status: 'passed', message: `the registry finds ${spec.schema} compatible with ${against} at the subject's configured level` }
        : {
            item: registryItem,
            status: 'failed',
            message: `the registry finds ${spec.schema} incompatible with ${against} (is_compatible: false)${verdict.messages.length ? `: ${verdict.messages.join('; ')}` : ', and gives no reason'}`,
          },
    );
  } catch (err) {
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    findings.push({ item: registryItem, status: 'failed', message: problem(err) });
  }
  if (spec.compatibility === 'NONE') return findings;
  for (const version of transitive ? versions : versions.slice(-1)) {
    const item = `${spec.schema} against ${spec.subject} version ${version}`;
    try {
      const registered = await registry.version(spec.subject, version);
      if (!registered) {
        findings.push({ item, status: 'failed', message: `version ${version} disappeared from the registry while the check read it` });
        continue;
      }
      if (registered.schemaType !== type) {
        findings.push({ item, status: 'failed', message: `version ${version} is registered as ${registered.schemaType}, this check's format is ${spec.format}` });
        continue;
      }
      const older = await comparer.load({ label: `${spec.subject} version ${version}`, text: registered.schema });
      findings.push(await compared(item, spec, comparer, newer, older));
    } catch (err) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      findings.push({ item, status: 'failed', message: problem(err) });
    }
  }
  return findings;
}

async function compared(item: string, spec: SchemaCheck, comparer: SchemaComparer<unknown>, newer: unknown, older: unknown): Promise<CheckFinding> {
  const reasons: string[] = [];
  for (const direction of directionsOf(spec.compatibility)) {
    const why = await comparer.incompatibility(newer, older, direction);
    if (why !== undefined) reasons.push(`${direction === 'backward' ? 'BACKWARD' : 'FORWARD'}: ${why}`);
  }
  return reasons.length === 0
    ? { item, status: 'passed', message: `${spec.compatibility} compatible` }
    : { item, status: 'failed', message: `not ${spec.compatibility} compatible: ${reasons.join('; ')}` };
}

function problem(err: unknown): string {
  if (err instanceof MalformedSchema || err instanceof UnreadableFile || err instanceof RegistryUnreachable) return err.message;
  if (err instanceof RegistryError) return `the registry answered ${err.message}`;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}
