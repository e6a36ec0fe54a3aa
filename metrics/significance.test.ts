import { describe, expect, it } from 'vitest';
import { clusterBootstrapDiff } from './cluster-bootstrap.ts';
import { clampDifference, clampToRange } from './ranges.ts';
import { holmAdjust, inconclusiveReason } from './significance.ts';

describe('holmAdjust', () => {
  it('hand example p = 0.01, 0.04, 0.03 (k = 3)', () => {
    // Sorted: 0.01 (rank 1), 0.03 (rank 2), 0.04 (rank 3).
    //   rank 1: (3 − 1 + 1) · 0.01 = 0.03
    //   rank 2: (3 − 2 + 1) · 0.03 = 0.06, max(0.03, 0.06) = 0.06
    //   rank 3: (3 − 3 + 1) · 0.04 = 0.04, max(0.06, 0.04) = 0.06  (monotonicity)
    // Back in input order: 0.03, 0.06, 0.06.
    const adj = holmAdjust([0.01, 0.04, 0.03]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
  });

  it('caps at 1 and leaves untested (null) comparisons out of k', () => {
    // k = 2 (the null is not a comparison): 2 · 0.6 = 1.2 → 1; 1 · 0.7 = 0.7, max(1, 0.7) = 1.
    expect(holmAdjust([0.6, null, 0.7])).toEqual([1, null, 1]);
    // One comparison: unchanged.
    expect(holmAdjust([0.02])).toEqual([0.02]);
  });
});

describe('inconclusiveReason', () => {
  it('fewer than 3 paired seeds', () => {
    expect(inconclusiveReason([0.1, 0.3])).toMatch(/2 paired seeds, at least 3 needed/);
    expect(inconclusiveReason([])).toMatch(/0 paired seeds/);
  });
  it('every seed agreeing exactly (zero variance), including a non-zero difference', () => {
    expect(inconclusiveReason([-0.007, -0.007, -0.007])).toMatch(/zero variance/);
  });
  it('none for 3 varying differences', () => {
    expect(inconclusiveReason([0.1, 0.2, 0.15])).toBeNull();
  });
});

describe('clusterBootstrapDiff', () => {
  // Seed A: diffs [1, 0, 1, 0] (mean 0.5); seed B: [1, 1, 1, 0] (mean 0.75). Estimate = mean of the
  // seed means = 0.625. Every replicate is a mean of drawn diffs, so it lies in [0, 1].
  const seeds = [
    [1, 0, 1, 0],
    [1, 1, 1, 0],
  ];
  it('hand case: estimate, interval contains it and stays within the diffs', () => {
    const r = clusterBootstrapDiff(seeds, { seed: 1 });
    expect(r.estimate).toBeCloseTo(0.625, 12);
    expect(r.lo).toBeLessThanOrEqual(0.625);
    expect(r.hi).toBeGreaterThanOrEqual(0.625);
    expect(r.lo).toBeGreaterThanOrEqual(0);
    expect(r.hi).toBeLessThanOrEqual(1);
    // Example noise is seen: with 4 examples per seed the interval is far from zero width.
    expect(r.hi - r.lo).toBeGreaterThan(0.2);
  });
  it('is deterministic for a seed and changes with it', () => {
    expect(clusterBootstrapDiff(seeds, { seed: 1 })).toEqual(clusterBootstrapDiff(seeds, { seed: 1 }));
    const other = clusterBootstrapDiff(seeds, { seed: 2, resamples: 50 });
    const same = clusterBootstrapDiff(seeds, { seed: 1, resamples: 50 });
    expect([other.lo, other.hi, other.signature]).not.toEqual([same.lo, same.hi, same.signature]);
  });
  it('a constant difference gives exactly that difference', () => {
    const r = clusterBootstrapDiff([[0.25, 0.25], [0.25]]);
    expect([r.lo, r.hi]).toEqual([0.25, 0.25]);
  });
  it('refuses a seed with no examples', () => {
    expect(() => clusterBootstrapDiff([[1], []])).toThrow(/at least one paired example/);
  });
});

describe('clamping', () => {
  it('accuracy to [0, 1], WER to [0, ∞), unknown metrics untouched', () => {
    expect(clampToRange('accuracy', 0.95, 1.04)).toEqual({ lo: 0.95, hi: 1, clamped: true });
    expect(clampToRange('wer', -0.02, 0.1)).toEqual({ lo: 0, hi: 0.1, clamped: true });
    expect(clampToRange('wer', 0.5, 3)).toEqual({ lo: 0.5, hi: 3, clamped: false });
    expect(clampToRange('my-metric', -5, 5)).toEqual({ lo: -5, hi: 5, clamped: false });
    expect(clampToRange('accuracy', null, null)).toEqual({ lo: null, hi: null, clamped: false });
  });
  it('a difference of accuracies to [−1, 1]', () => {
    expect(clampDifference('accuracy', -1.3, 0.2)).toEqual({ lo: -1, hi: 0.2 });
  });
});
