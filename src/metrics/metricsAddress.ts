/** `--metrics <host:port>` / LOCKSTEP_METRICS_ADDRESS: where the worker serves /metrics. */
export interface MetricsAddress {
  host: string;
  port: number;
}

/** Reads `host:port` (`[::1]:9464` for IPv6); throws naming the problem. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new Error(`metrics address "${text}" is not host:port (e.g. 127.0.0.1:9464)`);
  }
  return { host: (match[1] ?? match[2])!, port };
}

export function formatMetricsAddress({ host, port }: MetricsAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address asked for: the flag beats LOCKSTEP_METRICS_ADDRESS; undefined for none. Throws when it is not host:port. */
export function metricsAddressSetting(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const text = flag ?? (env.LOCKSTEP_METRICS_ADDRESS || undefined);
  if (text !== undefined) parseMetricsAddress(text);
  return text;
}
