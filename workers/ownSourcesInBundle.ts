/**
 * The workflow bundler compiles `.ts` files with swc but skips everything under `node_modules`. An
 * installed Lockstep lives in `node_modules/lockstep/`, and its workflows are TypeScript sources
 * (the package ships no build: tsx and this bundler compile the same files in a clone and in an
 * installed copy). This webpack hook lets the bundler compile Lockstep's own sources wherever the
 * package is, while still skipping real dependencies (any `node_modules` below the package root).
 */
import { join, relative, sep } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/** webpack's configuration, as the bundler hands it to the hook (webpack is the SDK's dependency, not ours). */
type Configuration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type Rule = { test?: unknown; exclude?: unknown };

const PACKAGE_ROOT = join(__dirname, '..');

/** True for a file under node_modules that is not one of Lockstep's own sources. */
export function isDependencyFile(path: string): boolean {
  const fromRoot = relative(PACKAGE_ROOT, path);
  const inside = !fromRoot.startsWith('..') && !fromRoot.startsWith(sep);
  return inside ? fromRoot.split(sep).includes('node_modules') : path.split(sep).includes('node_modules');
}

export function compileOwnSources(config: Configuration): Configuration {
  for (const rule of (config.module?.rules ?? []) as unknown[]) {
    if (rule && typeof rule === 'object' && String((rule as Rule).test) === String(/\.ts$/)) (rule as Rule).exclude = isDependencyFile;
  }
  return config;
}
