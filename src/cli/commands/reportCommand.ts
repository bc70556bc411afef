/** `lockstep report <release> --format md|json` and `lockstep list`: what CI jobs and operators read. */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { normalizeWorkflowId } from '../../release/releaseIds';
import { formatReportMarkdown, formatReportText } from '../../release/formatReport';
import type { ReleaseReport } from '../../release/releaseReport';
import { RELEASE_STATUSES } from '../../release/releaseStatus';
import { statusQuery } from '../../../workflows/messages';
import { CliError } from '../cliErrors';
import { LockstepServices, LockstepStatus } from '../../temporal/searchAttributes';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the report of a release (live while it runs), as Markdown for a CI job summary or as JSON')
    .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
    .option('--format <md|json|text>', 'output format', 'md')
    .option('--address <host:port>', 'Temporal address')
    .option('--namespace <name>', 'Temporal namespace')
    .addHelpText('after', '\nExample:\n  $ lockstep report staging/checkout-42 --format md >> "$GITHUB_STEP_SUMMARY"')
    .action(async (ref: string, opts: { format: string; address?: string; namespace?: string }) => {
      if (!['md', 'json', 'text'].includes(opts.format)) throw new CliError(`--format ${opts.format}: give md, json or text`, 3);
      const workflowId = normalizeWorkflowId(ref);
      const client = await connectClient(temporalSettings(opts));
      const handle = client.workflow.getHandle(workflowId);
      let report: ReleaseReport;
      try {
        const running = (await handle.describe()).status.name === 'RUNNING';
        report = running ? await handle.query(statusQuery) : await handle.result();
      } catch (err) {
        if (/not found/i.test(err instanceof Error ? err.message : String(err))) throw new CliError(`no release ${workflowId}`, 3);
        throw err;
      }
      console.log(opts.format === 'json' ? JSON.stringify(report, null, 2) : opts.format === 'md' ? formatReportMarkdown(report) : formatReportText(report));
    });

  program
    .command('list')
    .description('list releases, newest first')
    .option('--environment <env>', 'only this environment')
    .option('--status <status>', `only this status (${RELEASE_STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print JSON')
    .option('--address <host:port>', 'Temporal address')
    .option('--namespace <name>', 'Temporal namespace')
    .addHelpText('after', '\nExample:\n  $ lockstep list --environment prod --status RolledBack')
    .action(async (opts: { environment?: string; status?: string; limit: string; json?: boolean; address?: string; namespace?: string }) => {
      if (opts.status && !(RELEASE_STATUSES as readonly string[]).includes(opts.status)) {
        throw new CliError(`--status ${opts.status}: give one of ${RELEASE_STATUSES.join(', ')}`, 3);
      }
      if (opts.environment && !/^[a-z0-9-]+$/.test(opts.environment)) throw new CliError(`--environment ${opts.environment}: not an environment name`, 3);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${opts.limit}: give a positive whole number`, 3);
      const clauses = ['WorkflowType = "release"'];
      if (opts.environment) clauses.push(`LockstepEnvironment = "${opts.environment}"`);
      if (opts.status) clauses.push(`LockstepStatus = "${opts.status}"`);
      const client = await connectClient(temporalSettings(opts));
      const rows: { workflowId: string; status: string; startTime: string; services: string[] }[] = [];
      for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: limit })) {
        rows.push({
          workflowId: wf.workflowId,
          status: wf.typedSearchAttributes.get(LockstepStatus) ?? wf.status.name,
          startTime: wf.startTime.toISOString(),
          services: wf.typedSearchAttributes.get(LockstepServices) ?? [],
        });
        if (rows.length >= limit) break;
      }
      if (opts.json) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(`${r.startTime}  ${r.status.padEnd(16)} ${r.workflowId}  (${r.services.join(', ')})`);
    });
}
