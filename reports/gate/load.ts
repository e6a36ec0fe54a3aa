import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../harness/errors.ts';
import { readRunDir, readUnits, UNITS_FILE } from '../../harness/runner/run-dir.ts';
import { readBaselineFile } from './baseline-file.ts';
import { readCsvSide } from './csv.ts';
import { seriesFromRows } from './series.ts';
import type { GateSide } from './types.ts';
import { attachUnits } from './units.ts';

/** Reads a run directory as a gate side (its results.jsonl and manifest, and units.jsonl if any). */
export function readRunDirSide(dir: string): GateSide {
  let run: ReturnType<typeof readRunDir>;
  try {
    run = readRunDir(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err; // already names file, line, field and the fix
    throw new UsageError(
      `${(err as Error).message}. Fix: pass a run directory written by \`distill-bench run\`.`,
      { file: dir },
    );
  }
  const { jobs: _jobs, warnings: _warnings, ...env } = run.manifest;
  const series = seriesFromRows(run.results, `${dir}/results.jsonl`);
  let units: ReturnType<typeof readUnits>;
  try {
    units = readUnits(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}. Fix: rescore with \`distill-bench score\`.`, {
      file: join(dir, UNITS_FILE),
    });
  }
  if (units) attachUnits(series, units, join(dir, UNITS_FILE));
  return { source: dir, kind: 'run-dir', env, series };
}

/** A run dir, a baseline .json or a per-seed results .csv, told apart by what the path is. */
export function loadSide(path: string, role: 'candidate' | 'baseline'): GateSide {
  if (!existsSync(path)) {
    throw new UsageError(
      `${role} '${path}' does not exist. Fix: pass a run directory, a baseline .json or a results .csv.`,
      { file: path },
    );
  }
  if (statSync(path).isDirectory()) return readRunDirSide(path);
  if (path.endsWith('.json')) return readBaselineFile(path);
  if (path.endsWith('.csv')) return readCsvSide(path);
  throw new UsageError(
    `${role} '${path}' is neither a directory, a .json baseline nor a .csv. Fix: pass one of those.`,
    { file: path },
  );
}
