/** The health gate as an activity: probe until healthy, or fail with why. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Health } from '../src/manifest/schema';
import type { HealthProbe, ProbeCheck } from '../src/probes/healthProbe';
import { probeUntilHealthy } from '../src/probes/probeUntilHealthy';
import { parseDuration } from '../src/manifest/duration';
import type { Logger } from '../src/logging/logger';
import type { ProbeInput, ProbeResult } from './stepInputs';
import { UNHEALTHY } from '../src/release/stepFailureTypes';

export interface ProbeActivityDeps {
  probeFor: (health: Health, baseDir: string, check: ProbeCheck) => HealthProbe;
  logger: Logger;
}

export function createProbeActivities({ probeFor, logger }: ProbeActivityDeps) {
  return {
    async probeHealth(input: ProbeInput): Promise<ProbeResult> {
      const ctx = Context.current();
      const attempt = ctx.info.attempt;
      const log = logger.child({ releaseId: input.releaseId, service: input.service, step: 'probe', attempt });
      const probe = probeFor(input.health, input.baseDir, { step: input.step ?? 'probe', version: input.version ?? '' });
      try {
        const result = await probeUntilHealthy(
          probe,
          {
            service: input.service,
            successThreshold: input.health.successThreshold,
            intervalMs: parseDuration(input.health.interval)!,
            timeoutMs: parseDuration(input.health.timeout)!,
          },
          { signal: ctx.cancellationSignal, heartbeat: () => ctx.heartbeat() },
        );
        log.info({ checks: result.attempts, elapsedMs: result.elapsedMs }, 'healthy');
        return { checks: result.attempts, elapsedMs: result.elapsedMs, lastDetail: result.lastDetail, attempt };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ err: message }, 'unhealthy');
        throw ApplicationFailure.create({
          message,
          type: UNHEALTHY,
          nonRetryable: true,
          details: [{ attempt, stdoutTail: '', stderrTail: '' }],
        });
      }
    },
  };
}
