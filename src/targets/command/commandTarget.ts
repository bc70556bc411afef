/**
 * The `command` target: the user's own scripts (kubectl, helm, terraform, ssh...) run as argv.
 * Contract (DESIGN.md, "Targets and probes"): LOCKSTEP_* environment, cwd defaulting to the
 * manifest's directory, a timeout, a non-zero exit fails the step with the output tails, rollback
 * defaults to the deploy command with the old version, and deploying what already runs is a no-op.
 * A rollback always runs (a half-applied deploy reads as the old version), except when a retry
 * finds its own completion record (completionRecords.ts).
 */
import { resolve } from 'node:path';
import type { Logger } from '../../logging/logger';
import { parseDuration } from '../../manifest/duration';
import type { CommandTarget } from './spec';
import { StepError, type DeployTarget, type StepContext, type StepOutput } from '../deployTarget';
import { readCompletionRecord, stepKey, writeCompletionRecord } from '../completionRecords';
import { lastLine } from '../outputTail';
import { runCommand, type CommandResult } from '../runCommand';
import { waitForPreviousRun } from '../runRecords';
import { lockstepStateDir } from '../stateDir';

export type CommandAction = 'deploy' | 'rollback' | 'current';

export interface CommandTargetDeps {
  logger?: Logger;
  /** Where run records live (see runRecords.ts); default `lockstepStateDir()`. */
  stateDir?: string;
  /** SIGTERM→SIGKILL grace when a command is cancelled or times out; default 2s. */
  killGraceMs?: number;
}

/**
 * The run key of the commands that change a service within one release. Not per step: a retry
 * waits for its own orphaned attempt, and a rollback also waits for an orphaned deploy of the same
 * service, which would otherwise finish after the rollback and undo it. Releases of one
 * environment are serialised by the workflow, so the key need not span releases.
 */
export function serviceRunKey(ctx: Pick<StepContext, 'environment' | 'service' | 'releaseId'>): string {
  return `command:${ctx.environment}/${ctx.service}@${ctx.releaseId}`;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function createCommandTarget(spec: CommandTarget, deps: CommandTargetDeps = {}): DeployTarget {
  const timeoutMs = parseDuration(spec.timeout) ?? DEFAULT_TIMEOUT_MS;
  const stateDir = deps.stateDir ?? lockstepStateDir();

  interface Invocation {
    action: CommandAction;
    argv: string[];
    /** LOCKSTEP_VERSION: what runs once the command succeeds ('' for `current`). */
    version: string;
    /** LOCKSTEP_PREVIOUS_VERSION: what runs before the command ('' for `current`). */
    previousVersion: string;
    /** Start of the error message, e.g. "deploy of payments 2.4.0". */
    what: string;
    runKey?: string;
  }

  async function run(ctx: StepContext, call: Invocation): Promise<CommandResult> {
    const cwd = resolve(ctx.baseDir, spec.cwd ?? '.');
    const log = deps.logger?.child({ service: ctx.service, action: call.action });
    log?.debug({ argv: call.argv, cwd, version: call.version }, 'running command');
    let result: CommandResult;
    try {
      result = await runCommand({
        argv: call.argv,
        cwd,
        env: {
          ...spec.env,
          LOCKSTEP_ACTION: call.action,
          LOCKSTEP_SERVICE: ctx.service,
          LOCKSTEP_VERSION: call.version,
          LOCKSTEP_PREVIOUS_VERSION: call.previousVersion,
          LOCKSTEP_RELEASE_ID: ctx.releaseId,
          LOCKSTEP_ENVIRONMENT: ctx.environment,
          LOCKSTEP_IDEMPOTENCY_KEY: ctx.idempotencyKey,
        },
        timeoutMs,
        signal: ctx.signal,
        heartbeat: () => ctx.heartbeat(),
        runKey: call.runKey,
        stateDir,
        killGraceMs: deps.killGraceMs,
        logger: log,
      });
    } catch (err) {
      if (err instanceof StepError) {
        throw new StepError(`${call.what} failed: ${err.message}`, err.stdoutTail, err.stderrTail, err.retryable);
      }
      throw err; // cancellation: the abort reason, unchanged
    }
    log?.debug({ exitCode: result.exitCode, durationMs: result.durationMs }, 'command finished');
    if (result.exitCode !== 0) {
      const ending = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
      const why = lastLine(result.stderrTail) || lastLine(result.stdoutTail);
      throw new StepError(`${call.what} failed: ${ending}${why ? `: ${why}` : ''}`, result.stdoutTail, result.stderrTail);
    }
    return result;
  }

  async function readCurrent(ctx: StepContext): Promise<string> {
    const result = await run(ctx, {
      action: 'current',
      argv: spec.current,
      version: '',
      previousVersion: '',
      what: `current of ${ctx.service}`,
    });
    const printed = result.stdoutTail.trim();
    if (printed.includes('\n')) {
      throw new StepError(
        `current of ${ctx.service} failed: printed ${printed.split('\n').length} lines; expected only the version (or nothing)`,
        result.stdoutTail,
        result.stderrTail,
        false,
      );
    }
    return printed;
  }

  /** Waits until no command that changes this service still runs (an orphan of a killed worker). */
  function settle(ctx: StepContext): Promise<void> {
    return waitForPreviousRun(serviceRunKey(ctx), {
      stateDir,
      signal: ctx.signal,
      heartbeat: () => ctx.heartbeat(),
      logger: deps.logger,
      killGraceMs: deps.killGraceMs,
    });
  }

  async function change(
    action: 'deploy' | 'rollback',
    ctx: StepContext,
    { version, previousVersion }: { version: string; previousVersion: string },
  ): Promise<StepOutput> {
    await settle(ctx);
    const running = await readCurrent(ctx);
    if (running === version) {
      // A deploy whose version already runs has nothing to do (a retry whose first attempt applied
      // it). A rollback cannot conclude that: `current` does not see a half-applied deploy, so it
      // runs whatever `current` prints, unless this very step (same idempotency key and run) already
      // succeeded and nothing changed since.
      const completed = action === 'rollback' && readCompletionRecord(stateDir, stepKey(ctx))?.version === version;
      if (action === 'deploy' || completed) {
        const why = action === 'deploy' ? 'already running' : 'this rollback already completed';
        deps.logger?.info({ service: ctx.service, action, version }, `${why}; nothing to do`);
        return { noop: true, stdoutTail: '', stderrTail: '' };
      }
    }
    if (running !== previousVersion) {
      // LOCKSTEP_PREVIOUS_VERSION tells what really runs, not what the release recorded earlier
      deps.logger?.info({ service: ctx.service, action, running, recorded: previousVersion }, 'running version differs from the recorded one');
    }
    const what =
      action === 'deploy'
        ? `deploy of ${ctx.service} ${version}`
        : `rollback of ${ctx.service} to ${version === '' ? 'nothing (remove)' : version}`;
    const result = await run(ctx, {
      action,
      argv: action === 'rollback' ? spec.rollback ?? spec.deploy : spec.deploy,
      version,
      previousVersion: running,
      what,
      runKey: serviceRunKey(ctx),
    });
    if (action === 'rollback') recordCompletion(ctx, version);
    return { noop: false, stdoutTail: result.stdoutTail, stderrTail: result.stderrTail };
  }

  /** A lost record only costs a repeated rollback, which the script contract allows: never fails the step. */
  function recordCompletion(ctx: StepContext, version: string): void {
    try {
      writeCompletionRecord(stateDir, { stepKey: stepKey(ctx), action: 'rollback', version });
    } catch (err) {
      deps.logger?.warn({ service: ctx.service, err }, 'could not record the completed rollback; a retry would run it again');
    }
  }

  return {
    async current(ctx) {
      await settle(ctx);
      return readCurrent(ctx);
    },
    deploy: (ctx, versions) => change('deploy', ctx, versions),
    rollback: (ctx, versions) => change('rollback', ctx, versions),
  };
}
