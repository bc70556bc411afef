/** The error to reject with when an AbortSignal fired: its reason, or an `AbortError`. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // duck-typed too: a reason may be an Error of another realm (e.g. a vm context)
  if (reason instanceof Error || (typeof reason === 'object' && reason !== null && 'message' in reason && 'name' in reason)) {
    return reason as Error;
  }
  const error = new Error(reason === undefined ? 'the operation was aborted' : `aborted: ${String(reason)}`);
  error.name = 'AbortError';
  return error;
}

/** Throws the abort reason when the signal has fired. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}
