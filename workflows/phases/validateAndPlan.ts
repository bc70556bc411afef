/** Step 1 of the saga (and of the live plan): the workflow input is a contract of its own, validated again and planned. */
import { ApplicationFailure } from '@temporalio/workflow';
import { formatManifestErrors } from '../../src/manifest/manifestErrors';
import { Manifest } from '../../src/manifest/schema';
import { planRelease, type ReleasePlan } from '../../src/plan/planRelease';
import type { ReleaseInput } from '../releaseInput';

export function validateAndPlan(input: Pick<ReleaseInput, 'manifest'>): { manifest: Manifest; plan: ReleasePlan } {
  const parsed = Manifest.safeParse(input.manifest);
  if (!parsed.success) {
    // an ApplicationFailure fails the workflow; a plain error would fail its task forever
    throw ApplicationFailure.nonRetryable(`invalid manifest: ${formatManifestErrors(parsed.error).join('; ')}`, 'InvalidManifest');
  }
  return { manifest: parsed.data, plan: planRelease(parsed.data) };
}
