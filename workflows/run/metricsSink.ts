/**
 * The sink through which a release hands its final report to the worker's metrics (the workflow
 * itself cannot do I/O). A sink call adds no history event, so it needs no patch; the worker
 * registers it with `callDuringReplay: false` (src/metrics/releaseMetricsSink.ts), so a replay of
 * the release never counts it twice. Workflow-safe: types and proxySinks only.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { ReleaseReport } from '../../src/release/releaseReport';

export interface ReleaseMetricsSinks extends Sinks {
  lockstepMetrics: {
    /** The release ended with this report (its status is final). */
    releaseEnded(report: ReleaseReport): void;
  };
}

export const { lockstepMetrics } = proxySinks<ReleaseMetricsSinks>();
