/** The input `list` and `history` share, checked before a visibility query is built from it. */
import { EXIT_CODES } from '../release/releaseStatus';
import { CliError } from './cliErrors';

// as the manifest schema allows them (src/manifest/schema.ts); nothing else can be quoted into a query
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** An environment or service name; `label` names where it came from ("--environment staging"). */
export function nameInput(value: string, label: string, what: 'environment' | 'service'): string {
  if (!NAME.test(value)) throw new CliError(`${label}: not ${what === 'environment' ? 'an' : 'a'} ${what} name (lowercase letters, digits and dashes)`, EXIT_CODES.invalidInput);
  return value;
}

/** `--limit`: a positive whole number. */
export function limitInput(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${value}: give a positive whole number`, EXIT_CODES.invalidInput);
  return limit;
}
