import fc from 'fast-check';
import { sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  alignBySeed,
  bootstrapMeanCi,
  meanCi,
  moments,
  pairedDifference,
  quantileType7,
  signFlipTest,
  welchDifference,
} from './stats.ts';

// Student's sleep data (Cushny & Peebles 1905), R's `sleep` dataset: extra hours of sleep under two
// drugs, same 10 patients. Expected outputs are R's documented `t.test` example results.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('meanCi', () => {
  it('hand-computed t interval for [1, 2, 3, 4, 5]', () => {
    // mean 3, s² = 10/4 = 2.5, se = sqrt(2.5/5) = 0.70711, t_{0.975,4} = 2.776 → half-width 1.9630.
    const ci = meanCi([1, 2, 3, 4, 5]);
    expect(ci.estimate).toBe(3);
    expect(ci.lo).toBeCloseTo(3 - 1.963, 3);
    expect(ci.hi).toBeCloseTo(3 + 1.963, 3);
    expect(ci.signature).toBe('ci|t|level:0.95');
  });

  it('one seed: the mean with null bounds and a note', () => {
    const ci = meanCi([0.42]);
    expect(ci).toMatchObject({ estimate: 0.42, lo: null, hi: null, n: 1 });
    expect(ci.note).toMatch(/one seed/);
  });

  it('no values: NaN estimate', () => {
    expect(meanCi([]).estimate).toBeNaN();
  });

  it('moments merge exactly (any split gives the variance of the whole)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.nat(),
        (xs, k) => {
          const cut = k % (xs.length + 1);
          const m = moments.merge(moments.of(xs.slice(0, cut)), moments.of(xs.slice(cut)));
          expect(m.n).toBe(xs.length);
          expect(m.m2 / (m.n - 1)).toBeCloseTo(sampleVariance(xs), 6);
        },
      ),
    );
  });
});

describe('paired difference', () => {
  it('reproduces R: t.test(extra ~ group, data = sleep, paired = TRUE)', () => {
    // R: t = -4.0621, df = 9, p-value = 0.002833, 95% CI -2.4598858 -0.7001142, mean diff -1.58.
    const r = pairedDifference(drug1, drug2);
    expect(r.meanDiff).toBeCloseTo(-1.58, 12);
    expect(r.t).toBeCloseTo(-4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.pT).toBeCloseTo(0.002833, 6);
    expect(r.ci.lo).toBeCloseTo(-2.4598858, 6);
    expect(r.ci.hi).toBeCloseTo(-0.7001142, 6);
    expect(r.permutation.method).toBe('exact');
  });

  it('identical techniques: zero difference, p = 1', () => {
    const r = pairedDifference([0.5, 0.6, 0.7], [0.5, 0.6, 0.7]);
    expect(r).toMatchObject({ meanDiff: 0, t: 0, pT: 1 });
    expect(r.permutation.p).toBe(1);
  });

  it('aligns by shared seeds only', () => {
    expect(alignBySeed({ 10: 1, 2: 5, 3: 7 }, { 3: 0, 10: 2, 4: 9 })).toEqual({
      seeds: ['3', '10'],
      a: [7, 1],
      b: [0, 2],
    });
  });
});

describe('sign-flip permutation test', () => {
  it('exact p on d = [1, 2, 3] by hand enumeration', () => {
    // Signed sums over the 8 patterns: 6, 4, 2, 0, 0, -2, -4, -6. |sum| >= 6 in 2 of 8 → p = 0.25.
    expect(signFlipTest([1, 2, 3])).toEqual({ p: 0.25, method: 'exact' });
  });

  it('exact p on d = [3, -1, 2, 2] by hand enumeration', () => {
    // |observed sum| = 6. Magnitudes 3,1,2,2 (total 8): sums >= 6 are all-plus (8) and flipping only the
    // 1 (6); mirrored for <= -6 → 4 of 16 → p = 0.25. Flipping the 3 alone gives 2, so it is not counted.
    expect(signFlipTest([3, -1, 2, 2]).p).toBe(0.25);
    // Observed |sum| = 2 with the same magnitudes. Flipping a set F gives 8 - 2·ΣF, below 2 in absolute
    // value only when ΣF = 4: F = {3,1} or {2,2} → 2 of 16 patterns fall short → p = 14/16.
    expect(signFlipTest([-3, 1, 2, 2]).p).toBe(0.875);
  });

  it('Monte Carlo for n > 16 agrees with the binomial exact value', () => {
    // 12 differences of +1 and 8 of -1: the flipped sum is 2B - 20 with B ~ Bin(20, 1/2).
    // p = P(|2B - 20| >= 4) = 2 P(B >= 12) = 2 · 263950 / 2^20 = 0.50345 (Σ_{k=12}^{20} C(20,k) = 263950).
    const d = [...Array(12).fill(1), ...Array(8).fill(-1)];
    const r = signFlipTest(d, { resamples: 20000, seed: 7 });
    expect(r.method).toBe('monte-carlo');
    expect(r.p).toBeGreaterThan(0.50345 - 0.015);
    expect(r.p).toBeLessThan(0.50345 + 0.015);
    expect(signFlipTest(d, { resamples: 20000, seed: 7 }).p).toBe(r.p);
  });
});

describe('Welch interval', () => {
  it('reproduces R: t.test(extra ~ group, data = sleep) (Welch)', () => {
    // R: t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832.
    const w = welchDifference(drug1, drug2);
    expect(w.estimate).toBeCloseTo(0.75 - 2.33, 12);
    expect(w.t).toBeCloseTo(-1.8608, 4);
    expect(w.df).toBeCloseTo(17.776, 3);
    expect(w.p).toBeCloseTo(0.07939, 5);
    expect(w.lo).toBeCloseTo(-3.3654832, 6);
    expect(w.hi).toBeCloseTo(0.2054832, 6);
  });

  it('needs two values per side', () => {
    expect(welchDifference([1], [2, 3])).toMatchObject({ estimate: -1.5, lo: null, hi: null });
  });
});

describe('bootstrap', () => {
  it('type-7 quantile interpolates linearly (numpy default)', () => {
    // positions (n-1)q: q=0.25 on [1,2,3,4,5] → index 1 → 2; q=0.1 → index 0.4 → 1.4.
    expect(quantileType7([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantileType7([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
  });

  it('two-point data: the 95% interval spans [0, 1]', () => {
    // Resampled means of [0, 1] are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5% and 97.5%
    // quantiles fall inside the masses at 0 and 1.
    const ci = bootstrapMeanCi([0, 1], { resamples: 2000, seed: 3 });
    expect([ci.lo, ci.hi]).toEqual([0, 1]);
    expect(ci.estimate).toBe(0.5);
    expect(ci.signature).toBe('ci|bootstrap-percentile|resamples:2000|seed:3|level:0.95');
  });

  it('is deterministic for a seed and degenerate on constants', () => {
    const xs = [0.1, 0.9, 0.4, 0.3, 0.8, 0.2];
    expect(bootstrapMeanCi(xs, { seed: 1 })).toEqual(bootstrapMeanCi(xs, { seed: 1 }));
    expect(bootstrapMeanCi([2, 2, 2])).toMatchObject({ lo: 2, hi: 2 });
  });
});
