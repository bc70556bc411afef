/** Command probe: runs an argv (never through a shell); exit 0 = healthy. */
import { abortReason } from '../../targets/abortReason';
import { lastLine } from '../../targets/outputTail';
import { runCommand } from '../../targets/runCommand';
import type { HealthProbe, ProbeAttempt } from '../healthProbe';

export interface CommandProbeOptions {
  argv: string[];
  /** Working directory; a relative argv[0] containing '/' resolves against it. */
  cwd: string;
  env?: Record<string, string>;
  /** One attempt's limit; the process group is killed and the attempt counts as unhealthy. */
  attemptTimeoutMs: number;
}

export function createCommandProbe(opts: CommandProbeOptions): HealthProbe {
  const name = opts.argv[0] ?? '';
  return {
    async check(signal: AbortSignal): Promise<ProbeAttempt> {
      const started = performance.now();
      try {
        const result = await runCommand({ argv: opts.argv, cwd: opts.cwd, env: opts.env, timeoutMs: opts.attemptTimeoutMs, signal });
        const said = lastLine(result.stdoutTail);
        if (result.exitCode === 0) {
          return { healthy: true, detail: `${name} exited 0${said ? `: ${said}` : ''}`, latencyMs: result.durationMs };
        }
        const why = lastLine(result.stderrTail) || said;
        const ending = result.signal ? `was killed by ${result.signal}` : `exited ${result.exitCode}`;
        return { healthy: false, detail: `${name} ${ending}${why ? `: ${why}` : ''}`, latencyMs: result.durationMs };
      } catch (err) {
        if (signal.aborted) throw abortReason(signal);
        // timed out, or cannot run at all: unhealthy, with the reason (the gate reports it)
        const message = err instanceof Error ? err.message : String(err);
        const detail = message.includes(name) ? message : `${name}: ${message}`;
        return { healthy: false, detail, latencyMs: Math.round(performance.now() - started) };
      }
    },
  };
}
