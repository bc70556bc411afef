/**
 * The Temporal SDK's own metrics (workflow and activity task latencies, slots, polls). Its core
 * serves them on a Prometheus endpoint of its own; the worker binds that to a private loopback
 * port and appends its text to /metrics, so one scrape target has both (DESIGN.md).
 */
export async function sdkMetricsText(bindAddress: string): Promise<string> {
  try {
    const response = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return `# the Temporal SDK's metrics answered HTTP ${response.status}\n`;
    return await response.text();
  } catch (err) {
    return `# the Temporal SDK's metrics are unavailable: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}
