/** `lockstep status <release>`: the live report of one release. */
import type { Command } from 'commander';
import { formatReportText } from '../../release/formatReport';
import type { ReleaseReport } from '../../release/releaseReport';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { findRelease, reportOf } from '../releaseLookup';

export function registerStatus(program: Command): void {
  withConnectionFlags(
    program
      .command('status')
      .description('show the live status of a release')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .option('--json', 'print JSON: {status, services: [{name, status, version, previousVersion}], ...}'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep status staging/checkout-42 --json')
    .action(async (ref: string, opts: ConnectionFlags & { json?: boolean }) => {
      const report: ReleaseReport = await reportOf(await findRelease(ref, opts));
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatReportText(report));
    });
}
