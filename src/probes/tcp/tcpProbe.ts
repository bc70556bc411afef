/** TCP probe: healthy when a connection to host:port opens. */
import { connect } from 'node:net';
import { formatDuration } from '../../manifest/duration';
import { abortReason } from '../../targets/abortReason';
import type { HealthProbe, ProbeAttempt } from '../healthProbe';

export interface TcpProbeOptions {
  host: string;
  port: number;
  /** One attempt's limit; then it counts as unhealthy. */
  attemptTimeoutMs: number;
}

export function createTcpProbe(opts: TcpProbeOptions): HealthProbe {
  const address = `${opts.host}:${opts.port}`;
  return {
    check(signal: AbortSignal): Promise<ProbeAttempt> {
      return new Promise<ProbeAttempt>((resolveAttempt, rejectAttempt) => {
        if (signal.aborted) {
          rejectAttempt(abortReason(signal));
          return;
        }
        const started = performance.now();
        const socket = connect({ host: opts.host, port: opts.port });
        const end = (): number => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          return Math.round(performance.now() - started);
        };
        const finish = (healthy: boolean, detail: (latencyMs: number) => string): void => {
          const latencyMs = end();
          resolveAttempt({ healthy, detail: detail(latencyMs), latencyMs });
        };
        const onAbort = (): void => {
          end();
          rejectAttempt(abortReason(signal));
        };
        const timer = setTimeout(
          () => finish(false, () => `no TCP answer from ${address} within ${formatDuration(opts.attemptTimeoutMs)}`),
          opts.attemptTimeoutMs,
        );
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => finish(true, (ms) => `TCP ${address} accepts connections (${formatDuration(ms)})`));
        socket.once('error', (err: NodeJS.ErrnoException) =>
          finish(false, () => `TCP connect to ${address} failed: ${err.code ?? err.message}`),
        );
      });
    },
  };
}
