/**
 * The Temporal floor's steps: a deploy and a probe that do nothing but wait their latency, the
 * same latencies as the simulated steps Lockstep runs in the benchmark.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** One step of one service; the service name only makes the history readable. */
export interface FloorStepInput {
  service: string;
  ms: number;
}

export const floorActivities = {
  async floorDeploy(input: FloorStepInput): Promise<void> {
    await sleep(input.ms);
  },
  async floorProbe(input: FloorStepInput): Promise<void> {
    await sleep(input.ms);
  },
};

export type FloorActivities = typeof floorActivities;
