/**
 * What the `schema` check needs from a format's library: parse a schema (with the library's own
 * reason when it is malformed) and say why one schema's data cannot be read with the other.
 * One implementation per format: avroComparer.ts (avsc), jsonSchemaComparer.ts (json-schema-diff),
 * protobufComparer.ts (buf).
 */

/** A schema's text and what to call it in findings (its path as the manifest gives it, or `version 3`). */
export interface SchemaSource {
  label: string;
  text: string;
}

/**
 * BACKWARD: the new schema reads data written with the old one (consumers upgrade first).
 * FORWARD: the old schema reads data written with the new one (producers upgrade first).
 */
export type CompatibilityDirection = 'backward' | 'forward';

export interface SchemaComparer<Loaded> {
  /** Parses a schema; throws MalformedSchema with the parser's own reason. */
  load(source: SchemaSource): Promise<Loaded>;
  /** Why `direction` does not hold between the new schema and an older one, in the library's words; undefined when it holds. */
  incompatibility(newer: Loaded, older: Loaded, direction: CompatibilityDirection): Promise<string | undefined>;
  /** Frees what loading took (temporary folders). */
  close(): Promise<void>;
}

/** A schema the format's library refuses to parse. */
export class MalformedSchema extends Error {
  override name = 'MalformedSchema';
}
