/** The release workflow's input: what the client sends (definitions only). */
import type { ManifestInput } from '../src/manifest/schema';

export interface ReleaseInput {
  /** The manifest as written, relative paths already resolved by the client. */
  manifest: ManifestInput;
  /** Directory relative paths resolve against (the manifest's directory). */
  baseDir: string;
  releaseId: string;
  /** false: refuse the release when its environment is busy instead of queueing it (`--no-queue`). */
  queue?: boolean;
}
