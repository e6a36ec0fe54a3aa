/**
 * Uncertainty for reported numbers: t intervals over seeds, percentile bootstrap over examples,
 * paired differences between techniques over shared seeds (t test and sign-flip permutation test),
 * and Welch's interval for unpaired differences (what `gate` uses against a baseline file).
 *
 * simple-statistics provides mean and sample variance. Its `tTest` is not used: it divides by the
 * population standard deviation (n, not n-1), which would make small-sample t statistics too large.
 */
import { mean, sampleVariance } from 'simple-statistics';
import { Rng } from '../harness/engine/rng.ts';
import { studentTQuantile, studentTTwoSided } from './student-t.ts';

export interface Interval {
  estimate: number;
  /** null when the interval is undefined (n < 2 for t intervals; see `note`). */
  lo: number | null;
  hi: number | null;
  level: number;
  n: number;
  signature: string;
  note?: string;
}

/** Count, mean and sum of squared deviations: mergeable exactly across shards (Chan et al. 1979). */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

export const moments = {
  empty: (): Moments => ({ n: 0, mean: 0, m2: 0 }),
  /** Welford update: stable where sum-of-squares formulas cancel catastrophically. */
  update(s: Moments, x: number): Moments {
    const n = s.n + 1;
    const delta = x - s.mean;
    const m = s.mean + delta / n;
    return { n, mean: m, m2: s.m2 + delta * (x - m) };
  },
  merge(a: Moments, b: Moments): Moments {
    if (a.n === 0) return b;
    if (b.n === 0) return a;
    const n = a.n + b.n;
    const delta = b.mean - a.mean;
    return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
  },
  of(xs: readonly number[]): Moments {
    return xs.reduce(moments.update, moments.empty());
  },
};

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

/** Student t interval for the mean from sufficient statistics. */
export function tIntervalFromMoments(m: Moments, level = 0.95): Interval {
  checkLevel(level);
  const signature = `ci|t|level:${level}`;
  if (m.n === 0)
    return { estimate: Number.NaN, lo: null, hi: null, level, n: 0, signature, note: 'no values' };
  if (m.n === 1) {
    return {
      estimate: m.mean,
      lo: null,
      hi: null,
      level,
      n: 1,
      signature,
      note: 'one seed: no interval (a t interval needs at least 2 values)',
    };
  }
  const half = studentTQuantile(1 - (1 - level) / 2, m.n - 1) * Math.sqrt(m.m2 / (m.n - 1) / m.n);
  return { estimate: m.mean, lo: m.mean - half, hi: m.mean + half, level, n: m.n, signature };
}

/** Mean and t interval over seeds (one value per seed). */
export function meanCi(xs: readonly number[], level = 0.95): Interval {
  return tIntervalFromMoments(moments.of(xs), level);
}

/**
 * Linear-interpolation quantile of sorted values (Hyndman & Fan type 7, numpy's default), so the
 * percentile bootstrap matches what numpy/scipy users compute from the same replicates.
 */
export function quantileType7(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

/**
 * Percentile bootstrap over n examples. `statistic` receives the resampled indices, so ratio
 * metrics (corpus WER = Σerrors/Σwords, BLEU from summed counts) resample their sufficient
 * statistics per example rather than averaging per-example scores.
 */
export function bootstrapCi(
  n: number,
  statistic: (indices: readonly number[]) => number,
  opts: BootstrapOptions = {},
): Interval {
  const resamples = opts.resamples ?? 1000;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? 0.95;
  checkLevel(level);
  const signature = `ci|bootstrap-percentile|resamples:${resamples}|seed:${seed}|level:${level}`;
  const identity = Array.from({ length: n }, (_, i) => i);
  const estimate = n > 0 ? statistic(identity) : Number.NaN;
  if (n < 2) {
    return { estimate, lo: null, hi: null, level, n, signature, note: 'fewer than 2 examples: no interval' };
  }
  const rng = new Rng(seed);
  const reps: number[] = [];
  const idx = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng.next() * n);
    reps.push(statistic(idx));
  }
  reps.sort((x, y) => x - y);
  const alpha = 1 - level;
  return {
    estimate,
    lo: quantileType7(reps, alpha / 2),
    hi: quantileType7(reps, 1 - alpha / 2),
    level,
    n,
    signature,
  };
}

/** Bootstrap interval of the mean of per-example values. */
export function bootstrapMeanCi(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  return bootstrapCi(
    values.length,
    (idx) => {
      let s = 0;
      for (const i of idx) s += values[i];
      return s / idx.length;
    },
    opts,
  );
}

/** Values of two techniques on the seeds both have, in ascending seed order. */
export function alignBySeed(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): { seeds: string[]; a: number[]; b: number[] } {
  const seeds = Object.keys(a)
    .filter((s) => s in b)
    .sort((x, y) => Number(x) - Number(y) || x.localeCompare(y));
  return { seeds, a: seeds.map((s) => a[s]), b: seeds.map((s) => b[s]) };
}

export interface SignFlipResult {
  p: number;
  method: 'exact' | 'monte-carlo';
  resamples?: number;
}

/**
 * Two-sided sign-flip permutation test of mean(d) = 0 (paired differences are symmetric about 0
 * under H0). Exact over all 2^n sign patterns for n <= 16; beyond that, seeded Monte Carlo with the
 * (1 + hits) / (1 + resamples) correction so a p-value is never 0 (Phipson & Smyth 2010).
 */
export function signFlipTest(
  d: readonly number[],
  opts: { resamples?: number; seed?: number; exactMaxN?: number } = {},
): SignFlipResult {
  const n = d.length;
  if (n === 0) return { p: Number.NaN, method: 'exact' };
  const observed = Math.abs(d.reduce((s, x) => s + x, 0));
  // Sums equal in exact arithmetic can differ in the last bits after reordering; count them as ties.
  const tol =
    1e-12 *
    Math.max(
      1,
      d.reduce((s, x) => s + Math.abs(x), 0),
    );
  if (n <= (opts.exactMaxN ?? 16)) {
    let hits = 0;
    const patterns = 2 ** n;
    for (let mask = 0; mask < patterns; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i] : d[i];
      if (Math.abs(s) >= observed - tol) hits++;
    }
    return { p: hits / patterns, method: 'exact' };
  }
  const resamples = opts.resamples ?? 10000;
  const rng = new Rng(opts.seed ?? 0);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.next() < 0.5 ? -d[i] : d[i];
    if (Math.abs(s) >= observed - tol) hits++;
  }
  return { p: (1 + hits) / (1 + resamples), method: 'monte-carlo', resamples };
}

/** t statistic and two-sided p for mean / se, with the degenerate se = 0 cases made explicit. */
function tTestFromParts(diff: number, se: number, df: number): { t: number; p: number } {
  if (se === 0) return diff === 0 ? { t: 0, p: 1 } : { t: Math.sign(diff) * Number.POSITIVE_INFINITY, p: 0 };
  const t = diff / se;
  return { t, p: studentTTwoSided(t, df) };
}

export interface PairedDifference {
  /** mean(a - b) */
  meanDiff: number;
  n: number;
  ci: Interval;
  t: number | null;
  df: number | null;
  pT: number | null;
  permutation: SignFlipResult;
  signature: string;
}

/** a[i] and b[i] are the same seed (use alignBySeed); the difference is a - b. */
export function pairedDifference(
  a: readonly number[],
  b: readonly number[],
  opts: { level?: number; resamples?: number; seed?: number } = {},
): PairedDifference {
  if (a.length !== b.length)
    throw new RangeError(`paired values differ in length (${a.length} vs ${b.length})`);
  const level = opts.level ?? 0.95;
  const d = a.map((x, i) => x - b[i]);
  const m = moments.of(d);
  const ci = tIntervalFromMoments(m, level);
  const permutation = signFlipTest(d, opts);
  const perm =
    permutation.method === 'exact' ? 'exact' : `mc:${permutation.resamples}:seed:${opts.seed ?? 0}`;
  const signature = `paired|t+signflip:${perm}|level:${level}`;
  if (m.n < 2) {
    return {
      meanDiff: m.n ? m.mean : Number.NaN,
      n: m.n,
      ci,
      t: null,
      df: null,
      pT: null,
      permutation,
      signature,
    };
  }
  const { t, p } = tTestFromParts(m.mean, Math.sqrt(m.m2 / (m.n - 1) / m.n), m.n - 1);
  return { meanDiff: m.mean, n: m.n, ci, t, df: m.n - 1, pT: p, permutation, signature };
}

export interface WelchDifference extends Interval {
  t: number | null;
  df: number | null;
  p: number | null;
}

/** Welch's unequal-variance t interval and test for mean(a) - mean(b), Satterthwaite df. */
export function welchDifference(a: readonly number[], b: readonly number[], level = 0.95): WelchDifference {
  checkLevel(level);
  const signature = `ci|welch|level:${level}`;
  const n = a.length + b.length;
  if (a.length < 2 || b.length < 2) {
    const estimate = a.length && b.length ? mean(a) - mean(b) : Number.NaN;
    const note = 'Welch interval needs at least 2 values on each side';
    return { estimate, lo: null, hi: null, level, n, signature, note, t: null, df: null, p: null };
  }
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const estimate = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  // With both variances 0 the Satterthwaite df is 0/0; any df gives the same zero-width interval.
  const df =
    se === 0
      ? a.length + b.length - 2
      : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  const { t, p } = tTestFromParts(estimate, se, df);
  return { estimate, lo: estimate - half, hi: estimate + half, level, n, signature, t, df, p };
}
