/** `lockstep list`: releases, newest first, found by their search attributes. */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { EXIT_CODES, FINAL_STATUSES, RELEASE_STATUSES } from '../../release/releaseStatus';
import { LockstepServices, LockstepStatus } from '../../temporal/searchAttributes';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';

interface ListOptions extends ConnectionFlags {
  environment?: string;
  status?: string;
  limit: string;
  json?: boolean;
}

/**
 * A release stopped from outside (terminated, timed out) keeps the LockstepStatus it last had;
 * its execution status says more: "Terminated (was AwaitingApproval)".
 */
function listedStatus(status: string | undefined, execution: string): string {
  if (execution === 'RUNNING' || (status && (FINAL_STATUSES as readonly string[]).includes(status))) return status ?? execution;
  const closed = execution.charAt(0) + execution.slice(1).toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase());
  return status ? `${closed} (was ${status})` : closed;
}

export function registerList(program: Command): void {
  withConnectionFlags(
    program
      .command('list')
      .description('list releases, newest first')
      .option('--environment <env>', 'only this environment')
      .option('--status <status>', `only this status (${RELEASE_STATUSES.join(', ')})`)
      .option('--limit <n>', 'at most this many', '20')
      .option('--json', 'print JSON: [{workflowId, status, startTime, services}]'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep list --environment prod --status RolledBack')
    .action(async (opts: ListOptions) => {
      if (opts.status && !(RELEASE_STATUSES as readonly string[]).includes(opts.status)) {
        throw new CliError(`--status ${opts.status}: give one of ${RELEASE_STATUSES.join(', ')}`, EXIT_CODES.invalidInput);
      }
      if (opts.environment && !/^[a-z0-9-]+$/.test(opts.environment)) throw new CliError(`--environment ${opts.environment}: not an environment name`, EXIT_CODES.invalidInput);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${opts.limit}: give a positive whole number`, EXIT_CODES.invalidInput);
      const clauses = ['WorkflowType = "release"'];
      if (opts.environment) clauses.push(`LockstepEnvironment = "${opts.environment}"`);
      if (opts.status) clauses.push(`LockstepStatus = "${opts.status}"`);
      const client = await connectClient(temporalSettings(opts));
      const rows: { workflowId: string; status: string; startTime: string; services: string[] }[] = [];
      for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: limit })) {
        rows.push({
          workflowId: wf.workflowId,
          status: listedStatus(wf.typedSearchAttributes.get(LockstepStatus), wf.status.name),
          startTime: wf.startTime.toISOString(),
          services: wf.typedSearchAttributes.get(LockstepServices) ?? [],
        });
        if (rows.length >= limit) break;
      }
      if (opts.json) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(`${r.startTime}  ${r.status.padEnd(16)} ${r.workflowId}  (${r.services.join(', ')})`);
    });
}
