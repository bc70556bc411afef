/** `lockstep status <release>`: the live report of one release. */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { normalizeWorkflowId } from '../../release/releaseIds';
import { formatReportText } from '../../release/formatReport';
import type { ReleaseReport } from '../../release/releaseReport';
import { statusQuery } from '../../../workflows/messages';
import { CliError } from '../cliErrors';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the live status of a release')
    .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
    .option('--json', 'print JSON: {status, services: [{name, status, version, previousVersion}], ...}')
    .option('--address <host:port>', 'Temporal address')
    .option('--namespace <name>', 'Temporal namespace')
    .addHelpText('after', '\nExample:\n  $ lockstep status staging/checkout-42 --json')
    .action(async (ref: string, opts: { json?: boolean; address?: string; namespace?: string }) => {
      const workflowId = normalizeWorkflowId(ref);
      const client = await connectClient(temporalSettings(opts));
      const handle = client.workflow.getHandle(workflowId);
      let report: ReleaseReport;
      try {
        const description = await handle.describe();
        report = description.status.name === 'RUNNING' ? await handle.query(statusQuery) : await handle.result();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/not found/i.test(message)) throw new CliError(`no release ${workflowId}`, 3);
        throw err;
      }
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatReportText(report));
    });
}
