/**
 * Paired, stratified percentile bootstrap of a mean difference, for a single run whose cell is a
 * mean over prompts (a score run's units.jsonl). The prompts are the sampling units: resampling
 * them with replacement asks how much the mean difference would move on another draw of prompts
 * from the same population. Pairing by prompt id removes the prompt-difficulty variance both
 * sides share, which is what makes a small drift detectable.
 *
 * Strata are resampled independently and the statistic is the unweighted mean over strata of each
 * stratum's mean difference: for a dataset cell there is one stratum; for a macro cell one per
 * dataset, matching how the macro value itself is defined (harness/runner/run-dir.ts unitsMean).
 */
import { Rng } from '../../harness/engine/rng.ts';
import { quantileType7 } from '../../metrics/stats.ts';

export const BOOTSTRAP_RESAMPLES = 2000;

export interface BootstrapOptions {
  level: number;
  /** Seeds the generator: the same seed and inputs give the same CI, run after run. */
  seed: string;
  resamples?: number;
}

export interface BootstrapResult {
  /** The statistic on the data as observed. */
  estimate: number;
  lo: number;
  hi: number;
  resamples: number;
}

/**
 * `strata[s][i]` = candidate − baseline on the i-th shared prompt of stratum s (each stratum
 * non-empty). Percentile interval (type-7 quantiles, numpy's default) of the resampled statistic.
 */
export function pairedBootstrap(
  strata: readonly (readonly number[])[],
  opts: BootstrapOptions,
): BootstrapResult {
  if (strata.length === 0 || strata.some((s) => s.length === 0))
    throw new RangeError('pairedBootstrap: every stratum needs at least one difference');
  if (!(opts.level > 0 && opts.level < 1)) throw new RangeError(`level ${opts.level} is not in (0, 1)`);
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  // Centering on one observed difference keeps sums small (less rounding) and makes a constant
  // difference d give exactly d in every replicate, so its CI is exactly [d, d].
  const c = strata[0][0];
  const meanOver = (pick: (s: readonly number[]) => number) => {
    let total = 0;
    for (const s of strata) total += pick(s);
    return c + total / strata.length;
  };
  const estimate = meanOver((s) => {
    let sum = 0;
    for (const x of s) sum += x - c;
    return sum / s.length;
  });
  const rng = new Rng(opts.seed);
  const reps = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    reps[r] = meanOver((s) => {
      let sum = 0;
      for (let i = 0; i < s.length; i++) sum += s[Math.floor(rng.next() * s.length)] - c;
      return sum / s.length;
    });
  }
  reps.sort();
  const sorted = Array.from(reps);
  const alpha = 1 - opts.level;
  return {
    estimate,
    lo: quantileType7(sorted, alpha / 2),
    hi: quantileType7(sorted, 1 - alpha / 2),
    resamples,
  };
}
