import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from './bootstrap.ts';

const opts = { level: 0.95, seed: 'cell' };

describe('pairedBootstrap: hand-checkable intervals', () => {
  it('all differences equal d: every replicate is d, so the CI is exactly [d, d]', () => {
    // 0.1 is not a binary fraction: a plain Σ/n of 37 copies would drift in the last bits.
    const r = pairedBootstrap([Array(37).fill(0.1)], opts);
    expect([r.estimate, r.lo, r.hi]).toEqual([0.1, 0.1, 0.1]);
    const neg = pairedBootstrap([Array(12).fill(-1 / 3), Array(5).fill(-1 / 3)], opts);
    expect([neg.estimate, neg.lo, neg.hi]).toEqual([-1 / 3, -1 / 3, -1 / 3]);
  });

  it('strata count equally, not by size: constant 0 on 10 prompts and 1 on 50 gives exactly 0.5', () => {
    // A prompt-weighted mean would be 50/60 = 0.8333; the macro value is the mean of the two means.
    const r = pairedBootstrap([Array(10).fill(0), Array(50).fill(1)], opts);
    expect([r.estimate, r.lo, r.hi]).toEqual([0.5, 0.5, 0.5]);
  });

  it('half 0, half 1 over 100 prompts: the CI is the Binomial(100, 1/2)/100 percentiles, about [0.40, 0.60]', () => {
    // Each replicate is k/100 with k ~ Binomial(100, 1/2): mean 0.5, sd 0.05; its 2.5% and 97.5%
    // quantiles are k = 40 and 60. With 2000 replicates the sample quantiles move by about ±1 in k.
    const d = Array.from({ length: 100 }, (_, i) => i % 2);
    const r = pairedBootstrap([d], opts);
    expect(r.estimate).toBe(0.5);
    expect(r.lo).toBeGreaterThanOrEqual(0.38);
    expect(r.lo).toBeLessThanOrEqual(0.42);
    expect(r.hi).toBeGreaterThanOrEqual(0.58);
    expect(r.hi).toBeLessThanOrEqual(0.62);
    // The bootstrap cannot leave the range of the data, and a higher level widens the interval.
    const wide = pairedBootstrap([d], { ...opts, level: 0.99 });
    expect(wide.lo).toBeLessThan(r.lo);
    expect(wide.hi).toBeGreaterThan(r.hi);
    expect(wide.lo).toBeGreaterThanOrEqual(0);
    expect(wide.hi).toBeLessThanOrEqual(1);
  });

  it('is deterministic: the same inputs and seed give the same CI; another seed other replicates', () => {
    const d = Array.from({ length: 80 }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
    const a = pairedBootstrap([d], opts);
    expect(pairedBootstrap([d], opts)).toEqual(a);
    expect(a.resamples).toBe(2000);
    const other = pairedBootstrap([d], { ...opts, seed: 'another cell' });
    expect(other.estimate).toBe(a.estimate);
    expect([other.lo, other.hi]).not.toEqual([a.lo, a.hi]);
  });

  it('refuses an empty stratum and a level outside (0, 1)', () => {
    expect(() => pairedBootstrap([[1, 2], []], opts)).toThrow(/every stratum/);
    expect(() => pairedBootstrap([[1, 2]], { ...opts, level: 1 })).toThrow(/level/);
  });
});
