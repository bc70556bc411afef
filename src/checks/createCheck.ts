/** The runner for a manifest's check: the registry of check implementations (the pure half is checkKinds.ts). */
import { parseDuration } from '../manifest/duration';
import type { CheckRunner } from './check';
import { createCommandCheck } from './command/commandCheck';
import type { Check, CheckKind } from './checkKinds';
import { createPactCheck } from './pact/pactCheck';
import { createPrometheusCheck } from './prometheus/prometheusCheck';
import { createSchemaCheck } from './schema/schemaCheck';
import { createSimulatedCheck } from './simulated/simulatedCheck';
import { createSyntheticCheck } from './synthetic/syntheticCheck';

export interface CheckFactoryContext {
  /** One run's limit (the check's `timeout`). */
  timeoutMs: number;
}

type Factories = { [K in CheckKind]: (spec: Extract<Check, { kind: K }>, ctx: CheckFactoryContext) => CheckRunner };

/** One line per kind. */
const FACTORIES: Factories = {
  command: (spec, ctx) => createCommandCheck(spec, ctx),
  pact: (spec, ctx) => createPactCheck(spec, ctx),
  simulated: (spec) => createSimulatedCheck(spec),
  prometheus: (spec, ctx) => createPrometheusCheck(spec, ctx),
  synthetic: (spec, ctx) => createSyntheticCheck(spec, ctx),
  schema: (spec, ctx) => createSchemaCheck(spec, ctx),
};

export function createCheck(check: Check): CheckRunner {
  const factory = FACTORIES[check.kind] as (spec: Check, ctx: CheckFactoryContext) => CheckRunner;
  return factory(check, { timeoutMs: parseDuration(check.timeout) ?? 60_000 });
}
