/**
 * Avro with avsc: data written with schema W is readable with schema R when avsc can build R's
 * resolver for W (`R.createResolver(W)` throws otherwise, e.g. `no matching field for default-less
 * shop.OrderPlaced.amount`). BACKWARD: the new schema resolves the old; FORWARD the other way.
 */
import { Type } from 'avsc';
import { jsonErrorWithLine } from '../../manifest/jsonErrorText';
import { MalformedSchema, type CompatibilityDirection, type SchemaComparer, type SchemaSource } from './schemaComparer';

export function createAvroComparer(): SchemaComparer<Type> {
  return {
    load: (source: SchemaSource) => Promise.resolve(parseAvro(source)),
    incompatibility(newer: Type, older: Type, direction: CompatibilityDirection): Promise<string | undefined> {
      const [reader, writer, what] =
        direction === 'backward' ? [newer, older, 'the new schema cannot read data written with the old one'] : [older, newer, 'the old schema cannot read data written with the new one'];
      try {
        reader.createResolver(writer);
        return Promise.resolve(undefined);
      } catch (err) {
        return Promise.resolve(`${what}: ${(err as Error).message}`);
      }
    },
    close: () => Promise.resolve(),
  };
}

function parseAvro(source: SchemaSource): Type {
  let json: unknown;
  try {
    json = JSON.parse(source.text);
  } catch (err) {
    throw new MalformedSchema(`${source.label} is not JSON: ${jsonErrorWithLine((err as Error).message, source.text)}`);
  }
  try {
    // the schema's type is whatever JSON the file holds: avsc validates it and says what is wrong
    return Type.forSchema(json as Parameters<typeof Type.forSchema>[0]);
  } catch (err) {
    throw new MalformedSchema(`${source.label} is not an Avro schema: ${(err as Error).message}`);
  }
}
