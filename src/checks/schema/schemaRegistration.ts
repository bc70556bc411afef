/**
 * The `schema` check's release step (`register: true`): registers the new version in the registry,
 * and its compensation deletes it again. Called from the release's activities. Unlike the check,
 * these throw: a refused registration (the registry's 409 and its reason) fails the step.
 *
 *   POST   /subjects/<subject>            is it there already? (then nothing is registered, nothing deleted)
 *   POST   /subjects/<subject>/versions   registers; then the lookup again gives its version number
 *   GET    /subjects/<subject>/versions/<n>?deleted=true   is the version still ours?
 *   DELETE /subjects/<subject>/versions/<n>, then ?permanent=true   (Apicurio refuses a permanent delete first)
 */
import { createSchemaRegistryClient } from './schemaRegistryClient';
import { REGISTRY_SCHEMA_TYPES } from './schemaCheck';
import { readSchemaFile } from './schemaFile';
import type { SchemaCheck } from './spec';

/** What registration needs of a CheckContext. */
export interface SchemaRegistrationContext {
  /** What the schema's path resolves against (the manifest's folder). */
  baseDir: string;
  signal: AbortSignal;
}

export interface RegisteredSchema {
  subject: string;
  version: number;
  /** The registry's global schema id. */
  id: number;
  /** True when this exact schema was a version of the subject before: the release registered nothing and deletes nothing. */
  alreadyRegistered: boolean;
}

/** The version that already holds this check's schema, if one does (the release then registers nothing). */
export async function findRegisteredSchema(spec: SchemaCheck, ctx: SchemaRegistrationContext): Promise<RegisteredSchema | undefined> {
  const registry = createSchemaRegistryClient(registryUrl(spec), ctx.signal);
  const { text } = await readSchemaFile(spec.schema, ctx.baseDir);
  const found = await registry.lookup(spec.subject, text, REGISTRY_SCHEMA_TYPES[spec.format]);
  return found ? { subject: spec.subject, version: found.version, id: found.id, alreadyRegistered: true } : undefined;
}

export async function registerSchema(spec: SchemaCheck, ctx: SchemaRegistrationContext): Promise<RegisteredSchema> {
  const registry = createSchemaRegistryClient(registryUrl(spec), ctx.signal);
  const type = REGISTRY_SCHEMA_TYPES[spec.format];
  const { text } = await readSchemaFile(spec.schema, ctx.baseDir);
  const before = await registry.lookup(spec.subject, text, type);
  if (before) return { subject: spec.subject, version: before.version, id: before.id, alreadyRegistered: true };
  const id = await registry.register(spec.subject, text, type);
  const after = await registry.lookup(spec.subject, text, type);
  if (!after) throw new Error(`${spec.subject}: the registry gave ${spec.schema} id ${id} but no version holds it`);
  return { subject: spec.subject, version: after.version, id: after.id, alreadyRegistered: false };
}

/** Idempotent: a version already gone is fine; a version that was there before the release is never deleted. */
export async function deleteRegisteredSchema(spec: SchemaCheck, registered: RegisteredSchema, ctx: SchemaRegistrationContext): Promise<void> {
  if (registered.alreadyRegistered) return;
  const registry = createSchemaRegistryClient(registryUrl(spec), ctx.signal);
  const current = await registry.version(registered.subject, registered.version, true);
  // gone, or the number now holds another schema (someone deleted ours and registered anew): not ours to delete
  if (!current || current.id !== registered.id) return;
  await registry.deleteVersion(registered.subject, registered.version);
}

function registryUrl(spec: SchemaCheck): string {
  if (!spec.registry) throw new Error(`schema check "${spec.name}" has no registry to register ${spec.subject} in`);
  return spec.registry.url;
}
