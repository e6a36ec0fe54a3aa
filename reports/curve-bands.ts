/**
 * Per-term training curves with a band across seeds (jobs.jsonl `trace`,
 * harness/training/curve-trace.ts): at each step every seed logged, the mean over seeds and the
 * min and max across seeds (the band is min–max, not a standard deviation: with 2–5 seeds it shows
 * every seed). Run dirs written before `trace` existed have only `curve`; they get the `total` term
 * from it and no learning rate or gradient norm.
 */
import type { JobRecord } from '../harness/core/run-dir-types.ts';

/** [step, mean, min, max] over the seeds that logged a finite value at that step. */
export type BandPoint = [number, number, number, number];

export interface TermBand {
  term: string;
  points: BandPoint[];
}

export interface CurveDetail {
  /** One entry per loss term the technique logs, `total` first. */
  terms: TermBand[];
  /** Learning rate per step (the same for every seed: one schedule), [] for old run dirs. */
  lr: [number, number][];
  /** Global gradient norm before clipping, [] for old run dirs. */
  gradNorm: BandPoint[];
}

type Series = { steps: number[]; values: (number | null)[] };

/** The band over seeds at the steps every series has; a step where no seed is finite is dropped. */
export function bandOf(series: Series[]): BandPoint[] {
  if (series.length === 0) return [];
  const maps = series.map((s) => new Map(s.steps.map((st, i) => [st, s.values[i] ?? null])));
  const out: BandPoint[] = [];
  for (const step of series[0].steps) {
    if (!maps.every((m) => m.has(step))) continue;
    const vs = maps.map((m) => m.get(step)).filter((v): v is number => typeof v === 'number');
    if (vs.length === 0) continue;
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    out.push([step, mean, Math.min(...vs), Math.max(...vs)]);
  }
  return out;
}

/** The detail of one technique × student × task's jobs (sorted by seed by the caller). */
export function curveDetail(jobs: readonly JobRecord[]): CurveDetail {
  const traced = jobs.filter((j) => j.curve && j.trace && j.trace.lr.length === j.curve.length);
  if (traced.length === 0) {
    const curves = jobs.filter((j) => j.curve && j.curve.length > 0);
    const total = bandOf(
      curves.map((j) => ({ steps: j.curve!.map((p) => p[0]), values: j.curve!.map((p) => p[1]) })),
    );
    return { terms: total.length ? [{ term: 'total', points: total }] : [], lr: [], gradNorm: [] };
  }
  const stepsOf = (j: JobRecord) => j.curve!.map((p) => p[0]);
  const names = [...new Set(traced.flatMap((j) => Object.keys(j.trace!.terms)))];
  names.sort((a, b) => (a === 'total' ? -1 : b === 'total' ? 1 : 0));
  const terms = names
    .map((term) => ({
      term,
      points: bandOf(traced.map((j) => ({ steps: stepsOf(j), values: j.trace!.terms[term] ?? [] }))),
    }))
    .filter((t) => t.points.length > 0);
  const first = traced[0];
  const lr = stepsOf(first).map((s, i) => [s, first.trace!.lr[i]] as [number, number]);
  const gradNorm = bandOf(traced.map((j) => ({ steps: stepsOf(j), values: j.trace!.gradNorm })));
  return { terms, lr, gradNorm };
}
