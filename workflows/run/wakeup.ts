/**
 * A counter that workflow code waits on: every event the scheduler must look at (a step ended,
 * an operator's signal, a gate's timer, a failure) pokes it, and `next()` returns after the next poke.
 */
import { condition } from '@temporalio/workflow';

export class Wakeup {
  private pokes = 0;

  poke(): void {
    this.pokes++;
  }

  /** Resolves after the next poke. */
  async next(): Promise<void> {
    const seen = this.pokes;
    await condition(() => this.pokes !== seen);
  }
}
