/**
 * Debian's Chromium for the Web UI test (driven by playwright-core, which downloads no browser).
 * `.ci/run` installs it with apt-get; LOCKSTEP_CHROMIUM points at another Chromium or Chrome.
 */
import { accessSync, constants, statSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless, as root in CI (no sandbox), no GPU, no calls home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The Chromium executable to launch; throws, saying how to get one, when it is not there. */
export function chromiumExecutable(): string {
  const path = process.env.LOCKSTEP_CHROMIUM || DEFAULT_CHROMIUM;
  let problem: string | undefined;
  try {
    if (!statSync(path).isFile()) problem = 'is not a file';
    else accessSync(path, constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem ??= code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : (err as Error).message;
  }
  if (problem === undefined) return path;
  const where = problem === 'not found' ? `Chromium not found at ${path}` : `Chromium at ${path}: ${problem}`;
  throw new Error(
    `${where}: install it with \`apt-get install -y chromium\` (Debian; sudo when not root) ` +
      'or set LOCKSTEP_CHROMIUM to a Chromium or Chrome executable. `npm test` needs no browser; `npm run test:ui` does.',
  );
}
