/**
 * `lockstep list`: releases, newest first, found by their search attributes, with their versions,
 * duration and first error read from the same list call (memo and times; no query to a worker).
 */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { EXIT_CODES, RELEASE_STATUSES } from '../../release/releaseStatus';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { listReleases } from '../listedRelease';
import { releaseLine } from '../releaseLine';
import { limitInput, nameInput } from '../listingFlags';

interface ListOptions extends ConnectionFlags {
  environment?: string;
  status?: string;
  limit: string;
  json?: boolean;
}

export function registerList(program: Command): void {
  withConnectionFlags(
    program
      .command('list')
      .description('list releases, newest first')
      .option('--environment <env>', 'only this environment')
      .option('--status <status>', `only this status (${RELEASE_STATUSES.join(', ')})`)
      .option('--limit <n>', 'at most this many', '20')
      .option('--json', 'print JSON: [{workflowId, status, startTime, closeTime, durationMs, running, services, versions, firstError}]'),
  )
    .addHelpText('after', '\nExample:\n  $ lockstep list --environment prod --status RolledBack')
    .action(async (opts: ListOptions) => {
      if (opts.status && !(RELEASE_STATUSES as readonly string[]).includes(opts.status)) {
        throw new CliError(`--status ${opts.status}: give one of ${RELEASE_STATUSES.join(', ')}`, EXIT_CODES.invalidInput);
      }
      if (opts.environment) nameInput(opts.environment, `--environment ${opts.environment}`, 'environment');
      const limit = limitInput(opts.limit);
      const clauses: string[] = [];
      if (opts.environment) clauses.push(`LockstepEnvironment = "${opts.environment}"`);
      if (opts.status) clauses.push(`LockstepStatus = "${opts.status}"`);
      const client = await connectClient(temporalSettings(opts));
      const rows = await listReleases(client, clauses, limit);
      if (opts.json) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(releaseLine(r));
    });
}
