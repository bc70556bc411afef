/**
 * The one bounded DAG scheduler of the saga. Preflight reads, deploys, compensations and the
 * re-probes after a rollback are all tasks with dependencies run through it: a task starts as soon
 * as what it waits for is done, at most `maxParallel` at once, in the given priority order. It holds
 * while paused, starts nothing more once stopped (a failure), and returns when what runs has settled.
 * Deterministic: decisions depend only on workflow state, and tasks start in priority order.
 */
import type { Wakeup } from './wakeup';

export interface DagTask {
  name: string;
  /** Tasks this one waits for (names of other tasks; names not among the tasks are ignored). */
  after: readonly string[];
}

export interface DagRun {
  /** Tasks in priority order: when several may start, the earlier starts first. */
  tasks: readonly DagTask[];
  maxParallel: number;
  /** Runs one task: resolves when it succeeded, rejects when it failed. */
  run: (name: string) => Promise<void>;
  /**
   * What a task waits for: `succeeded` (a deploy waits until its dependencies are up) or `settled`
   * (a compensation waits until its dependents' compensations ended, whatever their outcome).
   */
  waitFor: 'succeeded' | 'settled';
  /**
   * true: no task starts before every task ahead of it in `tasks` has started (the compensations'
   * "newest first": an independent one does not overtake one that waits for its dependents).
   */
  inOrder?: boolean;
  /** Pokes that make the scheduler look again (steps ending, operators, timers). */
  wakeup: Wakeup;
  /** true: start nothing more; return once what runs has settled. */
  stopped?: () => boolean;
  /** true: start nothing for now (pause). */
  held?: () => boolean;
  /** false: the task may not start yet (an approval gate); asked once its dependencies are done. */
  mayStart?: (name: string) => boolean;
  /** Called each time the scheduler waits for something, with how many tasks run. */
  onWait?: (running: number) => void;
}

export interface DagOutcome {
  started: Set<string>;
  succeeded: Set<string>;
  failed: Set<string>;
}

export async function runDag(dag: DagRun): Promise<DagOutcome> {
  const names = new Set(dag.tasks.map((t) => t.name));
  const started = new Set<string>();
  const succeeded = new Set<string>();
  const failed = new Set<string>();
  const running = new Set<string>();
  const done = (name: string): boolean =>
    !names.has(name) || succeeded.has(name) || (dag.waitFor === 'settled' && failed.has(name));
  const launch = (name: string): void => {
    started.add(name);
    running.add(name);
    dag
      .run(name)
      .then(
        () => succeeded.add(name),
        () => failed.add(name),
      )
      .finally(() => {
        running.delete(name);
        dag.wakeup.poke();
      });
  };

  for (;;) {
    let waitingForPermission = false;
    if (!dag.stopped?.() && !dag.held?.()) {
      for (const task of dag.tasks) {
        if (running.size >= dag.maxParallel) break;
        if (started.has(task.name)) continue;
        if (!task.after.every(done)) {
          if (dag.inOrder) break;
          continue;
        }
        if (dag.mayStart && !dag.mayStart(task.name)) {
          waitingForPermission = true;
          if (dag.inOrder) break;
          continue;
        }
        launch(task.name);
      }
    }
    // Nothing runs and nothing can start by itself: all done, stopped, or what is left waits on a task that failed.
    const stuck = !dag.held?.() && !waitingForPermission;
    if (running.size === 0 && (started.size === dag.tasks.length || dag.stopped?.() || stuck)) break;
    dag.onWait?.(running.size);
    await dag.wakeup.next();
  }
  return { started, succeeded, failed };
}
