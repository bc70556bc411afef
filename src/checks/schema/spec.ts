/**
 * The `schema` check's block: an event/message schema this release introduces, checked for
 * compatibility against the previous schema file(s) or a Confluent-compatible schema registry
 * (DESIGN.md, "Checks", kind schema). Pure: the workflow validates with it.
 */
import { z } from 'zod';
import { CHECK_BASE_FIELDS } from '../checkFields';

export const SCHEMA_FORMATS = ['avro', 'jsonschema', 'protobuf'] as const;
export type SchemaFormat = (typeof SCHEMA_FORMATS)[number];

export const COMPATIBILITY_MODES = [
  'BACKWARD',
  'FORWARD',
  'FULL',
  'NONE',
  'BACKWARD_TRANSITIVE',
  'FORWARD_TRANSITIVE',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

const File = z.string().min(1, 'must be a file path (relative to the manifest)');

export const SchemaRegistry = z.strictObject({
  /** The Confluent Schema Registry REST API's root, e.g. http://127.0.0.1:8081 or Apicurio's .../apis/ccompat/v7. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
});

export const SchemaCheck = z
  .strictObject({
    ...CHECK_BASE_FIELDS,
    kind: z.literal('schema'),
    format: z.enum(SCHEMA_FORMATS, { error: `must be one of ${SCHEMA_FORMATS.join(', ')}` }),
    subject: z.string().min(1, 'must name the registry subject, e.g. "orders-events"'),
    /** The schema this release introduces. */
    schema: File,
    /** The schema(s) it must stay compatible with: one file, or oldest first for a _TRANSITIVE mode. */
    previous: z.union([File, z.array(File).min(1, 'must list at least one file')], {
      error: 'must be a file path or a list of file paths (oldest first)',
    }).optional(),
    registry: SchemaRegistry.optional(),
    compatibility: z.enum(COMPATIBILITY_MODES, { error: `must be one of ${COMPATIBILITY_MODES.join(', ')}` }).default('BACKWARD'),
    /** Services that write messages of this schema; with consumers, the deploy order is checked. */
    producers: z.array(z.string().min(1)).min(1, 'must name at least one service').optional(),
    /** Services that read messages of this schema. */
    consumers: z.array(z.string().min(1)).min(1, 'must name at least one service').optional(),
    /** registry only: register the new version as a release step (rollback deletes it). */
    register: z.boolean().default(false),
  })
  .superRefine((check, ctx) => {
    if ((check.previous === undefined) === (check.registry === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: check.previous === undefined ? [] : ['registry'],
        message: 'needs exactly one of previous (the schema file(s) it replaces) or registry: { url }',
      });
    }
    if (check.register && check.registry === undefined) {
      ctx.addIssue({ code: 'custom', path: ['register'], message: 'needs registry: { url } (there is nowhere to register to)' });
    }
    if (Array.isArray(check.previous) && check.previous.length > 1 && !check.compatibility.endsWith('_TRANSITIVE')) {
      ctx.addIssue({
        code: 'custom',
        path: ['previous'],
        message:
          check.compatibility === 'NONE'
            ? `lists ${check.previous.length} files but NONE compares with none: give one file`
            : `lists ${check.previous.length} files but ${check.compatibility} compares with the latest only: give one file, or use ${check.compatibility}_TRANSITIVE`,
      });
    }
  });
export type SchemaCheck = z.infer<typeof SchemaCheck>;
