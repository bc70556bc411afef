/**
 * `lockstep history <env> [<service>]`: what ran when in an environment, newest first; with a
 * service, its version in each release and whether it stayed. One visibility list call (search
 * attributes, times and memo); no worker is asked.
 */
import type { Command } from 'commander';
import { connectClient } from '../../temporal/connectClient';
import { temporalSettings } from '../../temporal/connectionOptions';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { listReleases, type ListedRelease } from '../listedRelease';
import { durationText, releaseLine, shortError } from '../releaseLine';
import { limitInput, nameInput } from '../listingFlags';

interface HistoryOptions extends ConnectionFlags {
  limit: string;
  json?: boolean;
}

interface ServiceInRelease extends ListedRelease {
  /** The service's version in this release; absent when not recorded (older or huge releases). */
  version?: string;
  /** What became of it, from the release's outcome: stayed, rolled back, … */
  serviceOutcome: string;
}

/** A release rolls back every service it touched, so the release's status says the service's fate. */
function serviceOutcome(r: ListedRelease): string {
  if (r.running) return 'in progress';
  switch (r.status) {
    case 'Succeeded':
      return 'stayed';
    case 'RolledBack':
      return 'rolled back';
    case 'RollbackFailed':
      return 'rollback failed';
    case 'Rejected':
      return 'not deployed';
    default:
      return r.status; // stopped from outside: "Terminated (was Deploying)"
  }
}

function serviceLine(r: ServiceInRelease, service: string): string {
  const error = r.firstError ? `  first error: ${shortError(r.firstError)}` : '';
  return `${r.startTime}  ${`${service}@${r.version ?? '(not recorded)'}`.padEnd(24)} ${r.serviceOutcome.padEnd(16)} ${r.workflowId}  ${durationText(r)}${error}`;
}

export function registerHistory(program: Command): void {
  withConnectionFlags(
    program
      .command('history')
      .description('what ran when in an environment, newest first; with a service, its versions and whether they stayed')
      .argument('<environment>', 'the environment, e.g. staging')
      .argument('[service]', 'only releases of this service, with its version and outcome in each')
      .option('--limit <n>', 'at most this many releases', '20')
      .option('--json', 'print JSON: [{workflowId, status, startTime, closeTime, durationMs, versions, firstError}], with a service also {version, serviceOutcome}'),
  )
    .addHelpText('after', '\nExamples:\n  $ lockstep history staging\n  $ lockstep history prod payments --limit 5')
    .action(async (environment: string, service: string | undefined, opts: HistoryOptions) => {
      nameInput(environment, `environment ${environment}`, 'environment');
      if (service !== undefined) nameInput(service, `service ${service}`, 'service');
      const limit = limitInput(opts.limit);
      const clauses: string[] = [`LockstepEnvironment = "${environment}"`];
      if (service) clauses.push(`LockstepServices = "${service}"`);
      const client = await connectClient(temporalSettings(opts));
      const rows = await listReleases(client, clauses, limit);
      if (!service) {
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) console.log(`no releases in ${environment}`);
        else for (const r of rows) console.log(releaseLine(r));
        return;
      }
      const ofService: ServiceInRelease[] = rows.map((r) => ({
        ...r,
        ...(r.versions?.[service] !== undefined ? { version: r.versions[service] } : {}),
        serviceOutcome: serviceOutcome(r),
      }));
      if (opts.json) console.log(JSON.stringify(ofService, null, 2));
      else if (ofService.length === 0) console.log(`no releases of ${service} in ${environment}`);
      else for (const r of ofService) console.log(serviceLine(r, service));
    });
}
