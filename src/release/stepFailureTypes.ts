/**
 * ApplicationFailure types of the release's steps: thrown by the activities, named in the
 * workflow's retry policies. Pure constants, so both sides of the determinism line may import them.
 */
export const STEP_FAILED = 'StepFailed';
/** A step failure no retry can fix (e.g. the program does not exist). */
export const STEP_FAILED_FINAL = 'StepFailedFinal';
export const UNHEALTHY = 'Unhealthy';
