/**
 * The `simulated` target: touches nothing. Each step waits its latency (± jitter) and fails when
 * the manifest says so; the version each service "runs" is kept in memory (one map per worker
 * process, or one handed in). Used by `lockstep rehearse` and the benchmark.
 */
import { parseDuration } from '../../manifest/duration';
import type { SimulatedTarget } from './spec';
import { delay } from '../conditionWait';
import { StepError, type DeployTarget, type StepContext, type StepOutput } from '../deployTarget';

/** Versions the simulated services run, by `<environment>/<service>`. */
export type SimulatedState = Map<string, string>;
const processWideState: SimulatedState = new Map();

/** Waits `ms` with jitter, heartbeating every second, ending early when the step is cancelled. */
export async function simulatedWait(ms: number, jitter: number, ctx: Pick<StepContext, 'signal' | 'heartbeat'>): Promise<void> {
  const wait = Math.max(0, Math.round(ms * (1 + jitter * (2 * Math.random() - 1))));
  if (wait === 0) return;
  const beat = setInterval(() => ctx.heartbeat(), 1000);
  try {
    await delay(wait, ctx.signal);
  } finally {
    clearInterval(beat);
  }
}

export function createSimulatedTarget(spec: SimulatedTarget, deps: { state?: SimulatedState } = {}): DeployTarget {
  const state = deps.state ?? processWideState;
  const key = (ctx: StepContext) => `${ctx.environment}/${ctx.service}`;
  const latency = parseDuration(spec.latency) ?? 0;
  const rollbackLatency = spec.rollbackLatency !== undefined ? parseDuration(spec.rollbackLatency)! : latency;
  const fails = (step: 'deploy' | 'rollback' | 'current') => spec.fail.includes(step);

  async function change(step: 'deploy' | 'rollback', ctx: StepContext, version: string): Promise<StepOutput> {
    const running = state.get(key(ctx)) ?? spec.initialVersion;
    // a rollback always runs, as a real one must: a half-applied deploy reads as the old version
    if (step === 'deploy' && running === version) return { noop: true, stdoutTail: '', stderrTail: '' };
    await simulatedWait(step === 'deploy' ? latency : rollbackLatency, spec.jitter, ctx);
    if (fails(step)) {
      throw new StepError(`${step} of ${ctx.service} ${version || '(remove)'} failed: injected failure (simulated)`, '', '', false);
    }
    state.set(key(ctx), version);
    return { noop: false, stdoutTail: `simulated ${step} of ${ctx.service} to ${version || '(removed)'}`, stderrTail: '' };
  }

  return {
    async current(ctx) {
      if (fails('current')) throw new StepError(`reading the version of ${ctx.service} failed: injected failure (simulated)`, '', '', false);
      return state.get(key(ctx)) ?? spec.initialVersion;
    },
    deploy: (ctx, { version }) => change('deploy', ctx, version),
    rollback: (ctx, { version }) => change('rollback', ctx, version),
  };
}
