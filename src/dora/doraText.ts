/** `lockstep dora`'s text: a block of figures per environment. Pure. */
import { longDuration } from './longDuration';
import type { DoraFigures, DurationFigures, EnvironmentFigures } from './doraFigures';

const LABEL_WIDTH = 23;
const line = (label: string, text: string): string => `  ${label.padEnd(LABEL_WIDTH)}${text}`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const rounded = (n: number): string => (Math.round(n * 100) / 100).toString();

/** `30 days`, `12 hours`, `1.5 days`. */
export function windowText(days: number): string {
  return days >= 1 ? plural(Number(rounded(days)), 'day') : plural(Number(rounded(days * 24)), 'hour');
}

function percentiles(d: DurationFigures): string {
  return `p50 ${longDuration(d.p50Ms!)}, p95 ${longDuration(d.p95Ms!)}`;
}

function environmentBlock(e: EnvironmentFigures, days: number): string[] {
  const { releases: r, deploymentFrequency: f, leadTime: lead, changeFailureRate: cfr, timeToRestore: ttr, rollbackTime: rb } = e;
  const leftOut = [
    ...(cfr.rejectedLeftOut ? [`${cfr.rejectedLeftOut} Rejected left out (touched nothing: no change)`] : []),
    ...(cfr.stoppedLeftOut ? [`${cfr.stoppedLeftOut} stopped from outside left out (no outcome)`] : []),
  ];
  return [
    `${e.environment}: ${plural(r.ended, 'ended release')} (${r.succeeded} Succeeded, ${r.rolledBack} RolledBack, ${r.rollbackFailed} RollbackFailed, ${r.rejected} Rejected${r.stoppedFromOutside ? `, ${r.stoppedFromOutside} stopped from outside` : ''})`,
    line('deployment frequency', `${plural(f.deployments, 'deployment')} in ${windowText(days)}: ${rounded(f.perDay)} per day, ${rounded(f.perWeek)} per week`),
    line(
      'lead time for changes',
      lead.measured > 0
        ? `${percentiles(lead)} (${lead.measured} of ${f.deployments} deployments carry metadata.source.committedAt)`
        : `not measured (${
            f.deployments === 0 ? 'no deployment' : f.deployments === 1 ? 'the deployment carries no' : `none of the ${f.deployments} deployments carries`
          }${f.deployments === 0 ? '' : ' metadata.source.committedAt'})`,
    ),
    line(
      'change failure rate',
      `${cfr.rate === null ? 'no change' : `${rounded(cfr.rate * 100)}%`} (${cfr.failed} of ${plural(cfr.changes, 'change')} RolledBack or RollbackFailed)${leftOut.length ? `; ${leftOut.join('; ')}` : ''}`,
    ),
    line(
      'time to restore',
      ttr.measured > 0
        ? `${percentiles(ttr)} (${plural(ttr.measured, 'rollback')}, first error to RolledBack${ttr.notMeasured ? `; ${ttr.notMeasured} not measured` : ''})`
        : `not measured (${r.rolledBack === 0 ? 'no RolledBack release' : `${plural(ttr.notMeasured, 'report')} not read`})`,
    ),
    line(
      'rollback time',
      rb.measured > 0
        ? `${percentiles(rb)} (${plural(rb.measured, 'rollback')}, its start to RolledBack)`
        : `not measured (${r.rolledBack === 0 ? 'no RolledBack release' : 'no report read'})`,
    ),
  ];
}

export function doraText(figures: DoraFigures): string {
  const head = `DORA figures since ${figures.since} (${windowText(figures.days)}), from Temporal's records`;
  if (figures.environments.length === 0) return `${head}\nno release ended in this window`;
  return [head, ...figures.environments.flatMap((e) => environmentBlock(e, figures.days))].join('\n');
}
