/**
 * Figures a reliability test measured (load time, peak memory, how work was shared), written to
 * `.lockstep/reliability/<name>.json` for `npm run reliability` to put into docs/RELIABILITY.md.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIGURES_DIR = resolve(__dirname, '..', '..', '.lockstep', 'reliability');

export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify({ ...figures, measuredAt: new Date().toISOString() }, null, 2)}\n`);
}

export function readFigures(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  let files: string[] = [];
  try {
    files = readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json') && !f.startsWith('jest-'));
  } catch {
    return out;
  }
  for (const file of files) out[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(FIGURES_DIR, file), 'utf8')) as Record<string, unknown>;
  return out;
}
