/**
 * A request only a worker can answer (a query, an update), asked so that it fails fast when no
 * worker will: with no worker polling the release's task queue it is not sent at all, and an
 * answer that does not come within a short deadline ends it. Either way the error says what is
 * wrong and which worker to start (exit 4: a part of the platform the command needs is missing).
 */
import { EXIT_CODES } from '../release/releaseStatus';
import { hasWorkflowPollers, startWorkerHint } from '../temporal/workerPresence';
import { CliError } from './cliErrors';
import type { FoundRelease } from './releaseLookup';

/** A query is answered in well under a second by a live worker. */
export const QUERY_DEADLINE_MS = 5_000;
/** An update waits for a workflow task; a busy worker may take a few seconds. */
export const UPDATE_DEADLINE_MS = 15_000;

export class NoWorkerAnswer extends CliError {
  constructor(
    readonly workflowId: string,
    readonly taskQueue: string,
    /** What is wrong, without the release's name: "no worker polls task queue …". */
    readonly problem: string,
  ) {
    super(`${workflowId}: ${problem}; ${startWorkerHint(taskQueue)}`, EXIT_CODES.unreachable);
    this.name = 'NoWorkerAnswer';
  }
}

/** `action` completes "nothing can …": `answer the status query`, `act on the abort`. */
export async function askWorker<T>(found: FoundRelease, action: string, deadlineMs: number, ask: () => Promise<T>): Promise<T> {
  const { client, workflowId, taskQueue } = found;
  if (!(await hasWorkflowPollers(client, taskQueue))) {
    throw new NoWorkerAnswer(workflowId, taskQueue, `no worker polls task queue "${taskQueue}", so nothing can ${action}`);
  }
  const deadline = Date.now() + deadlineMs;
  try {
    return await client.withDeadline(deadline, ask);
  } catch (err) {
    const grpc = grpcFailure(err);
    if (!grpc || !NO_ANSWER_CODES.has(grpc.code)) throw err;
    const ours = Date.now() >= deadline || grpc.code === CANCELLED;
    throw new NoWorkerAnswer(
      workflowId,
      taskQueue,
      `nothing could ${action}${ours ? ` within ${deadlineMs / 1000}s` : ''}: no worker answered (${ours ? 'deadline exceeded' : grpc.details}; a worker polled task queue "${taskQueue}" lately, it may have stopped or be overloaded)`,
    );
  }
}

const CANCELLED = 1;

/**
 * DEADLINE_EXCEEDED (ours, or the server's "query timed out before a worker could process it");
 * CANCELLED, as grpc-js reports our deadline at times ("Call cancelled": nothing else cancels
 * these calls); FAILED_PRECONDITION, the server's "no poller seen for task queue recently, worker
 * may be down". (UNAVAILABLE is the server's own absence: not this.)
 */
const NO_ANSWER_CODES = new Set([CANCELLED, 4, 9]);

/** The gRPC status under the SDK's wrapping (`Failed to query Workflow` carries it as its cause). */
function grpcFailure(err: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details };
  }
  return undefined;
}
