/** A health probe checks a service once; the gate (`probeUntilHealthy`) repeats it. */
export interface ProbeAttempt {
  healthy: boolean;
  /** Why it was not healthy, or a short description of the success. */
  detail: string;
  latencyMs: number;
}

/** Which check a probe is built for: after a deploy ('probe') or after a rollback ('verify'). */
export interface ProbeCheck {
  step: 'probe' | 'verify';
  version: string;
}

export interface HealthProbe {
  /** Checks once; never throws for an unhealthy service (only for a cancelled one). */
  check(signal: AbortSignal): Promise<ProbeAttempt>;
}
