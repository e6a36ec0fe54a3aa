/**
 * Paired two-level (cluster) bootstrap of a mean difference: resample seeds with replacement, then
 * the examples within each drawn seed. Seeds are the outer clusters because a seed changes the whole
 * training run; examples are the inner units because a test set is one draw of prompts. The t
 * interval over seeds only sees the first source of noise; this one sees both (docs/statistics.md).
 */
import { Rng } from '../harness/engine/rng.ts';
import { quantileType7 } from './stats.ts';

export interface ClusterBootstrapResult {
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  resamples: number;
  signature: string;
}

/**
 * `seeds[s][i]` = technique − baseline on the i-th example both scored for seed s (each seed
 * non-empty). The estimate is the mean over seeds of each seed's mean difference, the same
 * weighting as a mean over seeds of per-seed metric values.
 */
export function clusterBootstrapDiff(
  seeds: readonly (readonly number[])[],
  opts: { level?: number; resamples?: number; seed?: number } = {},
): ClusterBootstrapResult {
  if (seeds.length === 0 || seeds.some((s) => s.length === 0))
    throw new RangeError('clusterBootstrapDiff: every seed needs at least one paired example');
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const resamples = opts.resamples ?? 2000;
  const rngSeed = opts.seed ?? 0;
  const meanOf = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const estimate = meanOf(seeds.map(meanOf));
  const rng = new Rng(rngSeed);
  const reps = new Float64Array(resamples);
  const k = seeds.length;
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    for (let c = 0; c < k; c++) {
      const s = seeds[Math.floor(rng.next() * k)];
      let sum = 0;
      for (let i = 0; i < s.length; i++) sum += s[Math.floor(rng.next() * s.length)];
      total += sum / s.length;
    }
    reps[r] = total / k;
  }
  reps.sort();
  const sorted = Array.from(reps);
  const alpha = 1 - level;
  return {
    estimate,
    lo: quantileType7(sorted, alpha / 2),
    hi: quantileType7(sorted, 1 - alpha / 2),
    level,
    resamples,
    signature: `ci|cluster-bootstrap(seeds>examples)|resamples:${resamples}|seed:${rngSeed}|level:${level}`,
  };
}
