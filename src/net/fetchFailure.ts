/**
 * Why a fetch got no response, in the component's own words: fetch rejects with
 * TypeError('fetch failed') whose cause says what happened (`connect ECONNREFUSED 127.0.0.1:7313`).
 * Duck-typed: undici's errors may come from another realm than this module's `Error`.
 */
export function fetchFailure(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  // several addresses tried (happy eyeballs): each one's reason
  const errors = (cause as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const reasons = errors.map((e) => errorLike(e)).filter((e) => e !== undefined).map(describe);
    if (reasons.length > 0) return [...new Set(reasons)].join('; ');
  }
  const described = errorLike(cause);
  if (described) return describe(described);
  return errorLike(err)?.message ?? String(err);
}

function describe(error: { message: string; code?: string }): string {
  return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}

function errorLike(value: unknown): { message: string; code?: string } | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { message?: unknown }).message !== 'string') return undefined;
  const { message, code } = value as { message: string; code?: unknown };
  return { message, code: typeof code === 'string' ? code : undefined };
}
