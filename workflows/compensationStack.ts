/**
 * The compensation stack: one entry per service whose deploy has started, pushed *before*
 * the deploy runs (a timed-out deploy may have half-applied). Unwound newest first. Pure.
 */
export interface Compensation {
  service: string;
  /** The version to restore ('' = the service did not run before: remove it). */
  restoreVersion: string;
  /** The version this release was deploying. */
  deployedVersion: string;
}

export class CompensationStack {
  private readonly entries: Compensation[] = [];

  push(entry: Compensation): void {
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Newest first. */
  unwindOrder(): Compensation[] {
    return [...this.entries].reverse();
  }
}
