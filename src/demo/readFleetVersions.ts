/** Asks each demo service over HTTP which version it runs. */
export async function readFleetVersions(endpoints: Record<string, string>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(endpoints).map(async ([name, url]) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        const body = (await res.json()) as { version?: string };
        return [name, body.version ?? '(no version)'] as const;
      } catch {
        return [name, '(down)'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
