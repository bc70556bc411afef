/** A probe that touches nothing: answers after its latency, healthy unless told to fail. */
import { delay } from '../../targets/conditionWait';
import type { HealthProbe } from '../healthProbe';

export function createSimulatedProbe(spec: { latencyMs: number; fail: boolean }): HealthProbe {
  return {
    async check(signal) {
      if (spec.latencyMs > 0) await delay(spec.latencyMs, signal);
      return spec.fail
        ? { healthy: false, latencyMs: spec.latencyMs, detail: 'injected probe failure (simulated)' }
        : { healthy: true, latencyMs: spec.latencyMs, detail: 'simulated: healthy' };
    },
  };
}
