/** The `http` probe's block: GET the URL; the status, JSON fields and latency it must show. Pure. */
import { z } from 'zod';
import { HOUR, duration } from '../../manifest/fields';

export const HttpProbe = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  expectStatus: z.number().int().min(100).max(599).default(200),
  expectJson: z.record(z.string(), z.unknown()).optional(),
  maxLatency: duration(1, HOUR).optional(),
});
export type HttpProbe = z.infer<typeof HttpProbe>;
