/**
 * `lockstep status <release>`: the live report of one release. When no worker can answer for it,
 * what Temporal itself knows instead, with what is wrong and which worker to start (exit 0: the
 * status was shown; the problem is also on stderr).
 */
import type { Command } from 'commander';
import { formatReportText } from '../../release/formatReport';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { findRelease, reportOf } from '../releaseLookup';
import { formatTemporalRecord, readTemporalRecord } from '../temporalRecord';
import { NoWorkerAnswer } from '../workerAnswer';

export function registerStatus(program: Command): void {
  withConnectionFlags(
    program
      .command('status')
      .description('show the live status of a release (what Temporal recorded when no worker can answer)')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .option('--json', 'print JSON: {status, services: [{name, status, version, previousVersion}], ...}; without a worker {status, live: false, problem, hint, services: [{name, version}], ...}'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep status staging/checkout-42 --json')
    .action(async (ref: string, opts: ConnectionFlags & { json?: boolean }) => {
      const found = await findRelease(ref, opts);
      try {
        const report = await reportOf(found);
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatReportText(report));
      } catch (err) {
        if (!(err instanceof NoWorkerAnswer)) throw err;
        console.error(`lockstep: ${err.message}`);
        const record = await readTemporalRecord(found, err.problem);
        console.log(opts.json ? JSON.stringify(record, null, 2) : formatTemporalRecord(record));
      }
    });
}
