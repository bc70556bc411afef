/**
 * Where Lockstep's own files are and where it keeps its local files (the dev server's SQLite, the
 * demo's state, the Temporal CLI download). In a clone: `<repo>/.lockstep/`, git-ignored, as the
 * README describes. In an installed copy (the package under some `node_modules/`), the package's
 * folder is replaced by every upgrade and may not be writable (a global install), so: the user's
 * XDG folders, `~/.local/state/lockstep` and `~/.cache/lockstep`. LOCKSTEP_CACHE_DIR overrides the cache.
 */
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';

/** The package root: the folder with Lockstep's package.json (this file is `<root>/src/`). */
export const PACKAGE_ROOT = resolve(__dirname, '..');

/** True when Lockstep runs from an installed package rather than a clone. */
export function isInstalledCopy(root = PACKAGE_ROOT): boolean {
  return root.split(sep).includes('node_modules');
}

/** Local state: the dev server's and the demo's databases and logs. */
export function localStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (!isInstalledCopy()) return join(PACKAGE_ROOT, '.lockstep');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'lockstep');
}

/** Downloads kept across runs (the Temporal CLI). */
export function localCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOCKSTEP_CACHE_DIR) return resolve(env.LOCKSTEP_CACHE_DIR);
  if (!isInstalledCopy()) return join(PACKAGE_ROOT, '.lockstep', 'cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lockstep');
}
