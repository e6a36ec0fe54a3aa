import { closeSync, constants, existsSync, fsyncSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OutputPathError } from '../core/errors.ts';
import { checkOutputFile, prepareOutDir } from '../core/out-path.ts';
import { readJsonlFile, readRunDirChecked, readUnitsChecked } from '../core/run-dir-read.ts';
import { isValidJobKey, SCHEMA_VERSION } from '../core/run-dir-schema.ts';
import type { Manifest, RunDir, UnitRow } from '../core/run-dir-types.ts';
import { writeAtomic } from '../fs-atomic.ts';

export type {
  ExampleRow,
  JobIdentity,
  JobRecord,
  Manifest,
  ResultRow,
  RunDir,
  UnitRow,
} from '../core/run-dir-types.ts';
/**
 * The run directory contract, shared by the runner (writer), reports, gate, merge and score (readers).
 * Versioned like lm-eval's result schema; readers refuse unknown major versions.
 *
 *   manifest.json      Manifest
 *   results.jsonl      ResultRow per (job, split, metric)
 *   jobs.jsonl         JobRecord per finished student job (cost, loss curve, per-term trace)
 *   examples.jsonl     ExampleRow per (job, split, example)
 *   jobs/<key>.json    the per-job file written atomically before its rows are appended
 *   units.jsonl        UnitRow per (job, split, metric, unit): optional, written by `score` for
 *                      metrics whose value is a mean over prompts (see unitsMean)
 *   .lock              the writer's pid and host while a run or merge writes (harness/core/lock.ts)
 *
 * Every file and row has a zod schema in harness/core/run-dir-schema.ts; readers go through
 * harness/core/run-dir-read.ts, which names file, line and field of anything wrong.
 */
export { SCHEMA_VERSION };

/**
 * Appends whole lines and fsyncs, so a kill mid-run never leaves a half line behind. The file is
 * opened without following a symlink, so one planted at results.jsonl cannot carry rows out of the dir.
 */
export function appendLines(path: string, rows: unknown[]): void {
  if (rows.length === 0) return;
  checkOutputFile(path);
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OutputPathError(
      `${path}: cannot append (${code}${code === 'ELOOP' ? ': it is a symbolic link' : ''}). Fix: remove it or pass a new --out.`,
      path,
    );
  }
  try {
    writeSync(fd, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a JSONL file without a schema (rows of files outside the run-dir contract). */
export function readJsonl<T>(path: string): T[] {
  return readJsonlFile(path, z.unknown()) as T[];
}

/** Reads and validates a run dir (RunDirError, exit 2, naming file:line and field when it is wrong). */
export function readRunDir(dir: string): RunDir {
  return readRunDirChecked(dir);
}

export const UNITS_FILE = 'units.jsonl';

/** The rows of units.jsonl, or undefined when the run dir has none (training runs, older score runs). */
export function readUnits(dir: string): UnitRow[] | undefined {
  const path = join(dir, UNITS_FILE);
  return existsSync(path) ? readUnitsChecked(path) : undefined;
}

/**
 * A cell's value from its units: the unweighted mean over strata of each stratum's mean. With one
 * stratum that is the plain mean; for a macro cell it is the macro average over datasets, so a big
 * dataset does not outweigh a small one. Sums are centered on the first value so that equal units
 * give exactly that value (no rounding drift from summing n copies).
 */
export function unitsMean(units: readonly { stratum: string; value: number }[]): number {
  if (units.length === 0) return Number.NaN;
  const c = units[0].value;
  const strata = new Map<string, { sum: number; n: number }>();
  for (const u of units) {
    const s = strata.get(u.stratum) ?? { sum: 0, n: 0 };
    s.sum += u.value - c;
    s.n++;
    strata.set(u.stratum, s);
  }
  let total = 0;
  for (const s of strata.values()) total += s.sum / s.n;
  return c + total / strata.size;
}

/**
 * Whether units reproduce a cell's value. Relative 1e-9, not equality: the cell was summed in
 * another order (the judge's answers arrive in completion order), so the last bits may differ.
 */
export function unitsMatchValue(mean: number, value: number): boolean {
  return Math.abs(mean - value) <= 1e-9 * Math.max(1, Math.abs(mean), Math.abs(value));
}

export function writeManifest(dir: string, manifest: Manifest): void {
  prepareOutDir(dir);
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Keys of jobs whose per-job file exists: those are finished and skipped on resume. */
export function finishedJobKeys(dir: string): Set<string> {
  const jd = join(dir, 'jobs');
  return new Set(
    existsSync(jd)
      ? readdirSync(jd)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
          .filter(isValidJobKey)
      : [],
  );
}
