/**
 * The `command` check: runs the user's argv (never through a shell) in the manifest's directory;
 * exit 0 passes. It gets LOCKSTEP_CHECK, the release's variables and LOCKSTEP_VERSIONS (JSON:
 * service -> the version that runs once the release succeeds).
 */
import { resolve } from 'node:path';
import { StepError } from '../../targets/deployTarget';
import { lastLine } from '../../targets/outputTail';
import { runCommand } from '../../targets/runCommand';
import type { CheckContext, CheckOutcome, CheckRunner } from '../check';
import type { CommandCheck } from './spec';

export function createCommandCheck(spec: CommandCheck, opts: { timeoutMs: number }): CheckRunner {
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      const item = spec.run.join(' ');
      try {
        const result = await runCommand({
          argv: spec.run,
          cwd: resolve(ctx.baseDir, spec.cwd ?? '.'),
          env: {
            ...spec.env,
            LOCKSTEP_CHECK: ctx.check,
            LOCKSTEP_CHECK_MOMENT: ctx.moment,
            LOCKSTEP_CHECK_RUN: String(ctx.run),
            LOCKSTEP_RELEASE_ID: ctx.releaseId,
            LOCKSTEP_ENVIRONMENT: ctx.environment,
            LOCKSTEP_VERSIONS: JSON.stringify(ctx.versions),
          },
          timeoutMs: opts.timeoutMs,
          signal: ctx.signal,
          heartbeat: ctx.heartbeat,
          logger: ctx.logger,
        });
        const why = (lastLine(result.stderrTail) || lastLine(result.stdoutTail)).slice(0, 300);
        if (result.exitCode === 0) {
          return { status: 'passed', summary: why ? `exit 0: ${why}` : 'exit 0', findings: [{ item, status: 'passed', message: why || 'exit 0' }] };
        }
        const ending = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
        const message = why ? `${ending}: ${why}` : ending;
        return { status: 'failed', summary: message, findings: [{ item, status: 'failed', message }] };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        // the program could not start, or ran past the timeout: a failed finding, not a crash
        const message = err instanceof StepError || err instanceof Error ? err.message : String(err);
        return { status: 'failed', summary: message, findings: [{ item, status: 'failed', message }] };
      }
    },
  };
}
