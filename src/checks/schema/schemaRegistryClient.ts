/**
 * The calls the `schema` check and its registration step make to a Confluent Schema Registry REST
 * API (Confluent, Apicurio's /apis/ccompat/v7, Karapace, Redpanda). Errors carry the registry's own
 * message and error_code (e.g. 40401 subject not found, 409 incompatible); a registry that cannot be
 * reached is a RegistryUnreachable naming the address and the network's reason.
 */
import { abortReason } from '../../targets/abortReason';

export type RegistrySchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface RegisteredVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  /** Absent in the API means AVRO. */
  schemaType: RegistrySchemaType;
}

export interface CompatibilityVerdict {
  compatible: boolean;
  /** The registry's reasons (Confluent gives them with ?verbose=true; Apicurio 3.3 gives none). */
  messages: string[];
}

/** The registry answered with an error status. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    readonly registryMessage: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}: ${registryMessage}`);
  }
}

export class RegistryUnreachable extends Error {
  override name = 'RegistryUnreachable';
}

/** Subject or version not found (40401, 40402, 40403): the thing asked for is not there. */
const isNotFound = (err: unknown): err is RegistryError => err instanceof RegistryError && err.status === 404;
/** A soft-deleted version asked to be soft-deleted again (Confluent's 40406, HTTP 409 in Apicurio). */
const SOFT_DELETED_ALREADY = 40406;
const REQUEST_TIMEOUT_MS = 30_000;
const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface SchemaRegistryClient {
  /** The subject's live version numbers; [] when the subject does not exist. */
  versions(subject: string): Promise<number[]>;
  /** One version, or undefined when it does not exist (`includeDeleted`: soft-deleted ones too). */
  version(subject: string, version: number, includeDeleted?: boolean): Promise<RegisteredVersion | undefined>;
  /** POST /compatibility/subjects/<subject>/versions[/latest]?verbose=true, at the subject's configured level. */
  testCompatibility(subject: string, schema: string, type: RegistrySchemaType, against: 'latest' | 'all'): Promise<CompatibilityVerdict>;
  /** The version holding exactly this schema, or undefined. */
  lookup(subject: string, schema: string, type: RegistrySchemaType): Promise<RegisteredVersion | undefined>;
  /** Registers the schema (a no-op returning the same id when it is already there); its global id. */
  register(subject: string, schema: string, type: RegistrySchemaType): Promise<number>;
  /** Soft, then permanent delete; false when the version was not there. */
  deleteVersion(subject: string, version: number): Promise<boolean>;
}

export function createSchemaRegistryClient(url: string, signal: AbortSignal): SchemaRegistryClient {
  const base = url.replace(/\/+$/, '');
  const subjectPath = (subject: string): string => `${base}/subjects/${encodeURIComponent(subject)}`;

  async function call<T>(method: string, target: string, what: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers: { Accept: `${MEDIA_TYPE}, application/json`, ...(body === undefined ? {} : { 'Content-Type': MEDIA_TYPE }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new RegistryUnreachable(`cannot reach the schema registry at ${base} (${what}): ${cause}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json ?? {}) as { message?: unknown; error_code?: unknown };
      throw new RegistryError(
        res.status,
        typeof error.error_code === 'number' ? error.error_code : undefined,
        typeof error.message === 'string' ? error.message : text.slice(0, 500) || res.statusText,
        `${method} ${target}`,
      );
    }
    return json as T; // the registry's documented response shape; read defensively by the callers
  }

  const toVersion = (raw: Partial<RegisteredVersion> & { schemaType?: RegistrySchemaType }): RegisteredVersion => ({
    subject: String(raw.subject),
    version: Number(raw.version),
    id: Number(raw.id),
    schema: String(raw.schema),
    schemaType: raw.schemaType ?? 'AVRO',
  });

  return {
    async versions(subject) {
      try {
        return await call<number[]>('GET', `${subjectPath(subject)}/versions`, `the versions of ${subject}`);
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    },
    async version(subject, version, includeDeleted = false) {
      try {
        const raw = await call<RegisteredVersion>('GET', `${subjectPath(subject)}/versions/${version}${includeDeleted ? '?deleted=true' : ''}`, `${subject} version ${version}`);
        return toVersion(raw);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async testCompatibility(subject, schema, type, against) {
      const target = `${base}/compatibility/subjects/${encodeURIComponent(subject)}/versions${against === 'latest' ? '/latest' : ''}?verbose=true`;
      const raw = await call<{ is_compatible?: unknown; messages?: unknown }>('POST', target, `the compatibility of ${subject}`, { schema, schemaType: type });
      const messages = Array.isArray(raw?.messages) ? raw.messages.map(String) : [];
      return { compatible: raw?.is_compatible === true, messages };
    },
    async lookup(subject, schema, type) {
      try {
        return toVersion(await call<RegisteredVersion>('POST', subjectPath(subject), `the lookup of a schema in ${subject}`, { schema, schemaType: type }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async register(subject, schema, type) {
      const raw = await call<{ id?: unknown }>('POST', `${subjectPath(subject)}/versions`, `the registration in ${subject}`, { schema, schemaType: type });
      return Number(raw?.id);
    },
    async deleteVersion(subject, version) {
      const target = `${subjectPath(subject)}/versions/${version}`;
      try {
        await call('DELETE', target, `the soft delete of ${subject} version ${version}`);
      } catch (err) {
        if (isNotFound(err)) return false;
        if (!(err instanceof RegistryError && err.errorCode === SOFT_DELETED_ALREADY)) throw err;
      }
      try {
        await call('DELETE', `${target}?permanent=true`, `the permanent delete of ${subject} version ${version}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return true;
    },
  };
}
