/**
 * The worker end of the release workflow's metrics sink (workflows/run/metricsSink.ts). Not called
 * during replay (`callDuringReplay: false`): a release replayed after a worker restart, a cache
 * eviction or for a query on a closed workflow counts once. Without metrics the sink does nothing,
 * so a worker without `--metrics` does not log an unregistered sink at every release's end.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { ReleaseMetricsSinks } from '../../workflows/run/metricsSink';
import type { LockstepMetrics } from './lockstepMetrics';
import { recordReleaseReport } from './recordReleaseReport';

export function releaseMetricsSinks(metrics: LockstepMetrics | undefined): InjectedSinks<ReleaseMetricsSinks> {
  return {
    lockstepMetrics: {
      releaseEnded: {
        fn: (_info, report) => {
          if (metrics) recordReleaseReport(metrics, report);
        },
        callDuringReplay: false,
      },
    },
  };
}
