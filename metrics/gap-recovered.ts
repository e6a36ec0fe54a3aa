/**
 * Gap recovered: how much of the distance from a low reference to a high reference a technique
 * closes, (mean(technique) − mean(low)) / (mean(high) − mean(low)). With low = `none` and high =
 * the oracle it says what fraction of "what labelling the transfer set would buy" a teacher buys;
 * with low = weak and high = strong ceiling it is the performance gap recovered (PGR) of
 * weak-to-strong training. docs/statistics.md explains the interval and the inconclusive rules.
 *
 * The three arrays are aligned by seed (index i is seed i for all three), so the bootstrap
 * resamples whole seeds: the seed-to-seed noise common to the three runs of one seed stays paired.
 */
import { Rng } from '../harness/engine/rng.ts';
import { MIN_PAIRED_SEEDS } from './significance.ts';
import { quantileType7 } from './stats.ts';

export interface GapRecoveredOptions {
  level?: number;
  resamples?: number;
  seed?: number;
}

export interface GapRecovered {
  value: number;
  ci: [number, number] | null;
  inconclusive: boolean;
  reason?: string;
}

export { MIN_PAIRED_SEEDS };

const meanOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export function gapRecovered(
  technique: number[],
  low: number[],
  high: number[],
  opts: GapRecoveredOptions = {},
): GapRecovered {
  const n = technique.length;
  if (low.length !== n || high.length !== n)
    throw new RangeError(
      `gapRecovered: arrays must be aligned by seed (technique ${n}, low ${low.length}, high ${high.length} values)`,
    );
  for (const [name, xs] of [
    ['technique', technique],
    ['low', low],
    ['high', high],
  ] as const) {
    if (xs.some((x) => !Number.isFinite(x)))
      throw new RangeError(`gapRecovered: ${name} holds a non-finite value`);
  }
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const resamples = opts.resamples ?? 2000;
  // Numerator and denominator per seed: the ratio of their means is the gap recovered.
  const num = technique.map((t, i) => t - low[i]);
  const den = high.map((h, i) => h - low[i]);
  const value = n === 0 ? Number.NaN : meanOf(num) / meanOf(den);
  if (n < MIN_PAIRED_SEEDS) {
    return {
      value,
      ci: null,
      inconclusive: true,
      reason: `${n} paired seed${n === 1 ? '' : 's'}: at least ${MIN_PAIRED_SEEDS} are needed`,
    };
  }

  const rng = new Rng(opts.seed ?? 0);
  const ratios = new Float64Array(resamples);
  const dens = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sn = 0;
    let sd = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng.next() * n);
      sn += num[j];
      sd += den[j];
    }
    dens[r] = sd / n;
    ratios[r] = sn / sd;
  }
  const alpha = 1 - level;
  dens.sort();
  const denSorted = Array.from(dens);
  const denLo = quantileType7(denSorted, alpha / 2);
  const denHi = quantileType7(denSorted, 1 - alpha / 2);
  if (denLo <= 0 && denHi >= 0) {
    return {
      value,
      ci: null,
      inconclusive: true,
      reason: `the gap itself (high − low) has interval [${denLo.toPrecision(3)}, ${denHi.toPrecision(3)}], which includes 0: no gap to recover`,
    };
  }
  ratios.sort();
  const sorted = Array.from(ratios);
  const ci: [number, number] = [quantileType7(sorted, alpha / 2), quantileType7(sorted, 1 - alpha / 2)];
  const constant = (xs: readonly number[]) => xs.every((x) => x === xs[0]);
  if (constant(num) && constant(den)) {
    // Every seed gives exactly the same pair: a zero-width interval that says nothing about noise.
    return { value, ci, inconclusive: true, reason: 'every seed agrees exactly (zero variance)' };
  }
  return { value, ci, inconclusive: false };
}
