/** What a compatibility mode asks for: which directions must hold, against which versions, in which deploy order. */
import type { CompatibilityDirection } from './schemaComparer';
import type { CompatibilityMode } from './spec';

export function directionsOf(mode: CompatibilityMode): CompatibilityDirection[] {
  if (mode.startsWith('BACKWARD')) return ['backward'];
  if (mode.startsWith('FORWARD')) return ['forward'];
  if (mode.startsWith('FULL')) return ['backward', 'forward'];
  return [];
}

/** _TRANSITIVE: against every earlier version, else the latest only. */
export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

/**
 * Who must run the new schema first. BACKWARD: new readers read old data, so consumers first;
 * FORWARD: old readers read new data, so producers first; FULL: either; NONE: no order makes it safe.
 */
export function firstDeployed(mode: CompatibilityMode): 'consumers' | 'producers' | 'either' | 'none' {
  if (mode.startsWith('BACKWARD')) return 'consumers';
  if (mode.startsWith('FORWARD')) return 'producers';
  if (mode.startsWith('FULL')) return 'either';
  return 'none';
}
