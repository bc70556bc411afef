/** The version `lockstep --version` prints: package.json's, read from the package this file ships in. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../packageLocation';

const PackageJson = z.object({ name: z.string(), version: z.string() });

export function packageVersion(): string {
  return PackageJson.parse(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'))).version;
}
