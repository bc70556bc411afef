/**
 * `lockstep dora [--environment e] [--since 30d] [--json]`: deployment frequency, lead time for
 * changes, change failure rate, time to restore and rollback time per environment, computed from
 * Temporal's own records only (src/dora/doraRecords.ts: one visibility list call, then the reports
 * of the RolledBack releases).
 */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { EXIT_CODES } from '../../release/releaseStatus';
import { readDoraFigures } from '../../dora/readDoraFigures';
import { doraText } from '../../dora/doraText';
import { InvalidSince, sinceInput } from '../../dora/sinceInput';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { nameInput } from '../listingFlags';

interface DoraOptions extends ConnectionFlags {
  environment?: string;
  since: string;
  json?: boolean;
}

export function registerDora(program: Command): void {
  withConnectionFlags(
    program
      .command('dora')
      .description("DORA figures per environment (deployment frequency, lead time, change failure rate, time to restore, rollback time) from Temporal's records")
      .option('--environment <env>', 'only this environment')
      .option('--since <when>', 'how far back: a duration (30d, 12h) or an ISO date (2026-11-01)', '30d')
      .option('--json', 'print JSON: {since, until, days, environments: [{environment, releases, deploymentFrequency, leadTime, changeFailureRate, timeToRestore, rollbackTime}]}'),
  )
    .addHelpText('after', '\nExamples:\n  $ lockstep dora --environment prod\n  $ lockstep dora --since 7d --json')
    .action(async (opts: DoraOptions) => {
      if (opts.environment) nameInput(opts.environment, `--environment ${opts.environment}`, 'environment');
      const now = new Date();
      let since: Date;
      try {
        since = sinceInput(opts.since, now);
      } catch (err) {
        if (err instanceof InvalidSince) throw new CliError(err.message, EXIT_CODES.invalidInput);
        throw err;
      }
      const client = await connectClient(temporalSettings(opts));
      const { figures, reportsRead, truncated } = await readDoraFigures(client, { since, now, ...(opts.environment ? { environment: opts.environment } : {}) });
      if (opts.json) console.log(JSON.stringify({ ...figures, reportsRead, ...(truncated ? { truncated } : {}) }, null, 2));
      else console.log(`${doraText(figures)}${truncated ? '\n(more releases than were read ended in this window: the figures are of the newest)' : ''}`);
    });
}
