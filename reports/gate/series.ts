import { UsageError } from '../../harness/errors.ts';
import type { Series, SeriesKey } from './types.ts';

/** The fields of a results row the gate needs (ResultRow of harness/runner/run-dir.ts, or a CSV line). */
export interface ValueRow extends SeriesKey {
  seed: number | string;
  value: number | null;
  signature: string;
  direction?: 'higher' | 'lower';
}

export const KEY_FIELDS = ['technique', 'student', 'task', 'split', 'metric'] as const;

export function keyOf(k: SeriesKey): string {
  return JSON.stringify(KEY_FIELDS.map((f) => k[f]));
}

/** "task/technique/student split metric", the way the gate names a comparison in messages. */
export function labelOf(k: SeriesKey): string {
  return `${k.task}/${k.technique}/${k.student} ${k.split} ${k.metric}`;
}

/** Stable order for every output: task, technique, student, split, metric. */
export function compareKeys(a: SeriesKey, b: SeriesKey): number {
  for (const f of ['task', 'technique', 'student', 'split', 'metric'] as const) {
    const c = a[f].localeCompare(b[f]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Groups rows into one series per key. Bad input is refused with exit 2 rather than guessed at:
 * two different values, or two signatures, for the same key and seed. A repeated identical row
 * is harmless and collapses. Signatures are kept per seed: a metric whose signature records a
 * data-dependent count (CKA's rows used) legitimately has a different signature on each seed.
 */
export function seriesFromRows(rows: readonly ValueRow[], source: string): Series[] {
  const byKey = new Map<string, Series>();
  for (const row of rows) {
    const key = keyOf(row);
    let s = byKey.get(key);
    if (!s) {
      s = {
        technique: row.technique,
        student: row.student,
        task: row.task,
        split: row.split,
        metric: row.metric,
        direction: row.direction ?? 'higher',
        signatures: {},
        values: {},
        dropped: [],
      };
      byKey.set(key, s);
    }
    const seed = String(row.seed);
    const prevSig = s.signatures[seed];
    if (prevSig !== undefined && prevSig !== row.signature) {
      throw new UsageError(
        `${source}: ${labelOf(row)} seed ${seed} has rows with two metric signatures ('${prevSig}' and '${row.signature}'). ` +
          'Fix: one row per seed; merge shard run dirs with `distill-bench merge` instead of concatenating files.',
        { file: source },
      );
    }
    s.signatures[seed] = row.signature;
    const v = row.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      if (!s.dropped.includes(seed)) s.dropped.push(seed);
      continue;
    }
    const prev = s.values[seed];
    if (prev !== undefined && prev !== v) {
      throw new UsageError(
        `${source}: ${labelOf(row)} seed ${seed} has two values (${prev} and ${v}). ` +
          'Fix: one value per seed; merge shard run dirs with `distill-bench merge` instead of concatenating files.',
        { file: source },
      );
    }
    s.values[seed] = v;
  }
  return [...byKey.values()].sort(compareKeys);
}

/** The distinct signatures of a series, sorted. */
export function distinctSignatures(s: Pick<Series, 'signatures'>): string[] {
  return [...new Set(Object.values(s.signatures))].sort();
}

/** Seeds in ascending numeric order (string order for non-numeric seeds). */
export function sortedSeeds(values: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(values).sort((x, y) => Number(x) - Number(y) || x.localeCompare(y));
}
