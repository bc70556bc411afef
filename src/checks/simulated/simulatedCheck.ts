/** The `simulated` check (rehearsals, tests): waits its latency, then passes or fails as its block says. */
import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration } from '../../manifest/duration';
import type { CheckContext, CheckOutcome, CheckRunner } from '../check';
import type { SimulatedCheck } from './spec';

export function createSimulatedCheck(spec: SimulatedCheck): CheckRunner {
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      await delay(parseDuration(spec.latency) ?? 0, undefined, { signal: ctx.signal });
      const failing =
        !(ctx.moment === 'afterRollback' && !spec.failAfterRollback) &&
        (spec.fail === 'always' || (Array.isArray(spec.fail) && spec.fail.includes(ctx.run)));
      const item = `simulated run ${ctx.run}`;
      return failing
        ? { status: 'failed', summary: 'injected failure', findings: [{ item, status: 'failed', message: 'injected failure' }] }
        : { status: 'passed', summary: 'simulated pass', findings: [{ item, status: 'passed', message: 'passed' }] };
    },
  };
}
