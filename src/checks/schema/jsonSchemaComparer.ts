/**
 * JSON Schema with json-schema-diff (1.0.0, maintained: 1.0.0 is from 2026-09). Chosen over the
 * alternatives on npm (json-schema-compatibility 1.1.0 is an unrelated draft converter, no other
 * maintained package compares schemas) because its model is the right one for compatibility, once
 * read: it compares the SETS OF VALUES two schemas accept. `removed` = values the old schema accepted
 * and the new one rejects; `added` = values the new one accepts and the old rejected. So:
 *   BACKWARD (the new schema reads old data)  <=> nothing removed;
 *   FORWARD  (the old schema reads new data)  <=> nothing added.
 * The surprise NOTES.md warns of follows from it and is correct: adding a typed optional property to
 * an OPEN schema (additionalProperties not false) is a removal, since old data could hold that
 * property with another type. Apicurio's own JSON Schema rule agrees ("Object type property schemas
 * narrowed"); with `additionalProperties: false` the same addition is backward compatible. Keywords it
 * does not model (enum, const, pattern, format, ...: its KEYWORDS.md) are ignored by the comparison.
 */
import { diffSchemas } from 'json-schema-diff';
import { jsonErrorWithLine } from '../../manifest/jsonErrorText';
import { MalformedSchema, type CompatibilityDirection, type SchemaComparer, type SchemaSource } from './schemaComparer';

type JsonSchema = Parameters<typeof diffSchemas>[0]['sourceSchema'];

interface LoadedJsonSchema {
  label: string;
  schema: JsonSchema;
}

const MAX_SHOWN = 400;

export function createJsonSchemaComparer(): SchemaComparer<LoadedJsonSchema> {
  return {
    async load(source: SchemaSource): Promise<LoadedJsonSchema> {
      let schema: JsonSchema;
      try {
        schema = JSON.parse(source.text) as JsonSchema; // checked just below, by the library
      } catch (err) {
        throw new MalformedSchema(`${source.label} is not JSON: ${jsonErrorWithLine((err as Error).message, source.text)}`);
      }
      try {
        await diffSchemas({ sourceSchema: schema, destinationSchema: schema });
      } catch (err) {
        throw new MalformedSchema(`${source.label} is not a JSON Schema: ${(err as Error).message.replace(/^(Source|Destination) schema is not a valid json schema: /, '')}`);
      }
      return { label: source.label, schema };
    },
    async incompatibility(newer, older, direction: CompatibilityDirection): Promise<string | undefined> {
      const diff = await diffSchemas({ sourceSchema: older.schema, destinationSchema: newer.schema });
      if (direction === 'backward') {
        return diff.removalsFound ? `the new schema rejects values the old one accepted: ${shown(diff.removedJsonSchema)}` : undefined;
      }
      return diff.additionsFound ? `the old schema rejects values the new one accepts: ${shown(diff.addedJsonSchema)}` : undefined;
    },
    close: () => Promise.resolve(),
  };
}

function shown(schema: unknown): string {
  const text = JSON.stringify(schema);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}
