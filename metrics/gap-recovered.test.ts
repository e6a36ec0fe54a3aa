import { describe, expect, it } from 'vitest';
import { gapRecovered } from './gap-recovered.ts';

describe('gapRecovered', () => {
  // Per seed: technique − low = [0.2, 0.2, 0.3], high − low = [0.4, 0.4, 0.5].
  // value = mean(num) / mean(den) = (0.7/3) / (1.3/3) = 0.7 / 1.3 = 0.538462.
  // A replicate that draws seed 3 c times (c = 0..3) has ratio (0.2(3−c) + 0.3c) / (0.4(3−c) + 0.5c):
  // c=0 → 0.5, c=3 → 0.6. P(c=0) = (2/3)³ = 0.296 and P(c=3) = 1/27 = 0.037 both exceed 0.025, so
  // the 95% percentile interval is exactly [0.5, 0.6].
  const technique = [0.4, 0.5, 0.7];
  const low = [0.2, 0.3, 0.4];
  const high = [0.6, 0.7, 0.9];

  it('hand example: value and bootstrap interval', () => {
    const g = gapRecovered(technique, low, high, { seed: 7 });
    expect(g.value).toBeCloseTo(0.7 / 1.3, 12);
    expect(g.inconclusive).toBe(false);
    expect(g.ci?.[0]).toBeCloseTo(0.5, 12);
    expect(g.ci?.[1]).toBeCloseTo(0.6, 12);
  });

  it('is deterministic for a seed', () => {
    const a = gapRecovered([0.4, 0.5, 0.7, 0.55], [0.2, 0.3, 0.4, 0.35], [0.6, 0.7, 0.9, 0.8], { seed: 3 });
    const b = gapRecovered([0.4, 0.5, 0.7, 0.55], [0.2, 0.3, 0.4, 0.35], [0.6, 0.7, 0.9, 0.8], { seed: 3 });
    expect(a).toEqual(b);
  });

  it('works for lower-is-better metrics: WER 0.5 → 0.4 of a 0.5 → 0.3 gap is half', () => {
    const g = gapRecovered([0.4, 0.41, 0.39], [0.5, 0.52, 0.48], [0.3, 0.31, 0.29]);
    // (0.4 − 0.5) / (0.3 − 0.5) = 0.5 from the means.
    expect(g.value).toBeCloseTo(0.5, 12);
    expect(g.inconclusive).toBe(false);
  });

  it('fewer than 3 paired seeds: inconclusive, no interval', () => {
    const g = gapRecovered([0.4, 0.5], [0.2, 0.3], [0.6, 0.7]);
    expect(g.value).toBeCloseTo(0.5, 12);
    expect(g.ci).toBeNull();
    expect(g.inconclusive).toBe(true);
    expect(g.reason).toMatch(/2 paired seeds/);
  });

  it('a gap whose interval includes 0 is inconclusive', () => {
    // high − low = [0.1, −0.1, 0]: the gap could be zero, the ratio unbounded.
    const g = gapRecovered([0.55, 0.45, 0.5], [0.5, 0.5, 0.5], [0.6, 0.4, 0.5]);
    expect(g.ci).toBeNull();
    expect(g.inconclusive).toBe(true);
    expect(g.reason).toMatch(/includes 0/);
  });

  it('every seed agreeing exactly is inconclusive (zero variance)', () => {
    const g = gapRecovered([0.4, 0.4, 0.4], [0.2, 0.2, 0.2], [0.6, 0.6, 0.6]);
    expect(g.value).toBeCloseTo(0.5, 12);
    expect(g.inconclusive).toBe(true);
    expect(g.reason).toMatch(/zero variance/);
  });

  it('refuses arrays not aligned by seed', () => {
    expect(() => gapRecovered([1, 2, 3], [1, 2], [1, 2, 3])).toThrow(/aligned by seed/);
  });
});
