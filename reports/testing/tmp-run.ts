/** Run dirs in a temp folder for tests, so tests never write reports into fixtures/. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SyntheticOptions, syntheticRun, writeRunDir } from './synthetic-run.ts';

export const MINI = join(import.meta.dirname, '..', '..', 'fixtures', 'runs', 'mini');

export function tmpDir(prefix = 'db-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of fixtures/runs/mini (its four source files only). */
export function miniCopy(): string {
  const dir = join(tmpDir(), 'mini');
  cpSync(MINI, dir, { recursive: true, filter: (src) => !/\.(csv|html|md)$/.test(src) });
  return dir;
}

export function syntheticDir(opts: SyntheticOptions = {}): string {
  const dir = join(tmpDir(), opts.suite ?? 'synthetic');
  writeRunDir(dir, syntheticRun(opts));
  return dir;
}
