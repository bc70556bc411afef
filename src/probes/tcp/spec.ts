/** The `tcp` probe's block: a port that accepts a connection. Pure. */
import { z } from 'zod';

export const TcpProbe = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535),
});
export type TcpProbe = z.infer<typeof TcpProbe>;
