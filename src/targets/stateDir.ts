/** Where Lockstep keeps local state on a worker machine (run records, local processes). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `LOCKSTEP_STATE_DIR`, or `<os tmpdir>/lockstep-state`. */
export function lockstepStateDir(): string {
  return process.env.LOCKSTEP_STATE_DIR ?? join(tmpdir(), 'lockstep-state');
}
