/**
 * A per-seed results CSV as a gate baseline: one line per (technique, student, task, split, metric,
 * seed). Required columns: technique, student, task, split, metric, seed, value, signature;
 * optional: direction (higher|lower). Other columns are ignored. The runner's results.csv is the
 * aggregated leaderboard (mean and CI per row, no per-seed values), so it is refused with a message
 * pointing at the run directory or `baseline save`: a paired or Welch CI needs the seeds. A cell that a spreadsheet-safety writer prefixed with `'`
 * (because it started with = + - @) is read without the quote, so "'-0.5" is −0.5.
 * Empty, "NaN" or "null" values count as "no numeric value" (listed, not compared).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../../harness/errors.ts';
import type { Manifest } from '../../harness/runner/run-dir.ts';
import { seriesFromRows, type ValueRow } from './series.ts';
import type { GateSide } from './types.ts';

export const CSV_REQUIRED = [
  'technique',
  'student',
  'task',
  'split',
  'metric',
  'seed',
  'value',
  'signature',
] as const;

function unneutralize(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

export function parseResultsCsv(text: string, file: string): ValueRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new UsageError(`${file}: not a readable CSV (${(err as Error).message}).`, { file });
  }
  if (records.length === 0)
    throw new UsageError(`${file}: empty CSV; expected a header line with ${CSV_REQUIRED.join(',')}.`, {
      file,
    });
  const header = records[0].map((h) => h.trim());
  const missing = CSV_REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new UsageError(
      `${file}: missing column(s) ${missing.join(', ')}. A baseline CSV has one line per seed with columns ${CSV_REQUIRED.join(',')} (direction optional). ` +
        'Fix: use the run directory or `distill-bench baseline save` instead of an aggregated CSV.',
      { file, field: missing[0] },
    );
  }
  const col = (name: string) => header.indexOf(name);
  const dirCol = col('direction');
  return records.slice(1).map((rec, i) => {
    const line = i + 2;
    const cell = (name: string) => unneutralize(rec[col(name)] ?? '').trim();
    const where = (field: string) => ({ file, field, line });
    const seed = cell('seed');
    if (!/^-?\d+$/.test(seed))
      throw new UsageError(
        `${file}:${line}: column 'seed' must be an integer, got '${seed}'.`,
        where('seed'),
      );
    const rawValue = cell('value');
    let value: number | null = null;
    if (!['', 'nan', 'null'].includes(rawValue.toLowerCase())) {
      value = Number(rawValue);
      if (Number.isNaN(value))
        throw new UsageError(
          `${file}:${line}: column 'value' must be a number, got '${rawValue}'.`,
          where('value'),
        );
    }
    let direction: ValueRow['direction'];
    if (dirCol >= 0) {
      const d = cell('direction');
      if (d !== 'higher' && d !== 'lower')
        throw new UsageError(
          `${file}:${line}: column 'direction' must be 'higher' or 'lower', got '${d}'.`,
          where('direction'),
        );
      direction = d;
    }
    return {
      technique: cell('technique'),
      student: cell('student'),
      task: cell('task'),
      split: cell('split'),
      metric: cell('metric'),
      seed: Number(seed),
      value,
      signature: cell('signature'),
      direction,
    };
  });
}

/** A CSV side; when a manifest.json sits beside the CSV (a run dir's results.csv), its environment is used. */
export function readCsvSide(file: string): GateSide {
  const rows = parseResultsCsv(readFileSync(file, 'utf8'), file);
  const mf = join(dirname(file), 'manifest.json');
  let env: GateSide['env'];
  if (existsSync(mf)) {
    try {
      env = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
    } catch {
      env = undefined;
    }
  }
  return { source: file, kind: 'csv', env, series: seriesFromRows(rows, file) };
}
