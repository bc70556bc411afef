/**
 * The `schema` check's release step as activities (`register: true`): register the new version in
 * the registry, and its compensation, delete it again. Unlike a check, these fail on a refusal
 * (the registry's 409 and its reason): a release step failed.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { deleteRegisteredSchema, findRegisteredSchema, registerSchema, type RegisteredSchema } from '../src/checks/schema/schemaRegistration';
import type { SchemaCheck } from '../src/checks/schema/spec';
import type { Logger } from '../src/logging/logger';
import { RegistryError } from '../src/checks/schema/schemaRegistryClient';

export interface SchemaRegistrationInput {
  releaseId: string;
  baseDir: string;
  check: SchemaCheck;
}

export interface SchemaRegistrationActivityDeps {
  logger: Logger;
}

export function createSchemaRegistrationActivities({ logger }: SchemaRegistrationActivityDeps) {
  const log = (input: SchemaRegistrationInput, action: string) =>
    logger.child({ releaseId: input.releaseId, step: action, check: input.check.name, subject: input.check.subject });
  return {
    /** Whether the schema is registered already (read before registering: a retried registration then cannot be mistaken for someone else's). */
    async findSchemaVersion(input: SchemaRegistrationInput): Promise<RegisteredSchema | null> {
      const ctx = Context.current();
      return (await findRegisteredSchema(input.check, { baseDir: input.baseDir, signal: ctx.cancellationSignal })) ?? null;
    },

    async registerSchemaVersion(input: SchemaRegistrationInput): Promise<RegisteredSchema> {
      const ctx = Context.current();
      try {
        const registered = await registerSchema(input.check, { baseDir: input.baseDir, signal: ctx.cancellationSignal });
        log(input, 'register').info({ version: registered.version, id: registered.id, alreadyRegistered: registered.alreadyRegistered }, 'schema registered');
        return registered;
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        // a refusal will not change on a retry; an unreachable registry may
        const message = err instanceof Error ? err.message : String(err);
        throw ApplicationFailure.create({ message: `registering ${input.check.subject} failed: ${message}`, nonRetryable: err instanceof RegistryError && err.status < 500 });
      }
    },

    async deleteSchemaVersion(input: SchemaRegistrationInput & { registered: RegisteredSchema }): Promise<void> {
      const ctx = Context.current();
      await deleteRegisteredSchema(input.check, input.registered, { baseDir: input.baseDir, signal: ctx.cancellationSignal });
      log(input, 'unregister').info({ version: input.registered.version }, 'schema version deleted');
    },
  };
}
