import { describe, expect, it } from 'vitest';
import { classify, compareSeries } from './compare.ts';
import { lookup, series } from './testing.ts';

// Student t critical value used below (two-sided 95%): t(0.975, df = 2) = 4.3027 (3 paired seeds,
// and the Welch case whose Satterthwaite df is exactly 2).
const opts = (tolerance: number) => ({
  level: 0.95,
  directionOf: (m: string) => lookup(m)?.direction,
  toleranceOf: () => ({ tolerance, source: 'cli' as const }),
  isGated: () => true,
});

describe('classify: the boundary rule ("beyond" is strict)', () => {
  it('higher is better: regression only when hi < −t', () => {
    expect(classify('higher', -0.3, -0.1, 0.05)).toBe('regression');
    // hi exactly −t: the CI touches the tolerance, it is not beyond it → inconclusive, not regression.
    expect(classify('higher', -0.3, -0.05, 0.05)).toBe('inconclusive');
    // lo exactly −t: a regression beyond t is ruled out → pass.
    expect(classify('higher', -0.05, 0.1, 0.05)).toBe('pass');
    // lo exactly +t: not strictly beyond in the good direction → pass, not improved.
    expect(classify('higher', 0.05, 0.1, 0.05)).toBe('pass');
    expect(classify('higher', 0.06, 0.1, 0.05)).toBe('improved');
  });

  it('lower is better mirrors the interval', () => {
    // d = +0.1..+0.3 on a lower-is-better metric is worse: mirrored [−0.3, −0.1], hi −0.1 < −0.05.
    expect(classify('lower', 0.1, 0.3, 0.05)).toBe('regression');
    expect(classify('lower', 0.05, 0.3, 0.05)).toBe('inconclusive');
    expect(classify('lower', -0.1, 0.05, 0.05)).toBe('pass');
    expect(classify('lower', -0.3, -0.06, 0.05)).toBe('improved');
  });

  it('tolerance 0 with a zero-width CI at 0 passes', () => {
    expect(classify('higher', 0, 0, 0)).toBe('pass');
  });
});

describe('compareSeries: hand-computed intervals', () => {
  it('a clear regression fails (paired t over 3 seeds)', () => {
    // baseline 0.80 0.82 0.84, candidate 0.60 0.63 0.63 → d = −0.20 −0.19 −0.21, mean −0.20,
    // sd = √((0² + 0.01² + 0.01²)/2) = 0.01, se = 0.01/√3 = 0.0057735, half = 4.3027 · se = 0.024841
    // → CI [−0.224841, −0.175159]; hi −0.175159 < −0.02 → regression.
    const c = compareSeries(series([0.6, 0.63, 0.63]), series([0.8, 0.82, 0.84]), opts(0.02));
    expect(c.outcome).toBe('regression');
    expect(c.method).toBe('paired-t');
    expect(c.diff).toBeCloseTo(-0.2, 12);
    expect(c.ci.lo).toBeCloseTo(-0.224841, 5);
    expect(c.ci.hi).toBeCloseTo(-0.175159, 5);
    expect(c.reason).toContain('worse than the baseline');
  });

  it('noise inside a wide tolerance passes', () => {
    // d = +0.01 −0.01 0 → mean 0, sd 0.01, half 0.024841 → CI [−0.024841, +0.024841]; lo ≥ −0.05 → pass.
    const c = compareSeries(series([0.81, 0.81, 0.84]), series([0.8, 0.82, 0.84]), opts(0.05));
    expect(c.outcome).toBe('pass');
    expect(c.ci.lo).toBeCloseTo(-0.024841, 5);
    expect(c.ci.hi).toBeCloseTo(0.024841, 5);
  });

  it('noise straddling the tolerance is inconclusive, not a failure', () => {
    // d = −0.03 +0.01 −0.01 → mean −0.01, sd = √((0.02² + 0.02² + 0)/2) = 0.02, se = 0.011547,
    // half = 4.3027 · 0.011547 = 0.049683 → CI [−0.059683, +0.039683] contains −0.02 → inconclusive.
    const c = compareSeries(series([0.77, 0.83, 0.83]), series([0.8, 0.82, 0.84]), opts(0.02));
    expect(c.outcome).toBe('inconclusive');
    expect(c.ci.lo).toBeCloseTo(-0.059683, 5);
    expect(c.ci.hi).toBeCloseTo(0.039683, 5);
  });

  it('an improvement passes and is labelled improved', () => {
    // d = +0.10 +0.12 +0.11 → mean 0.11, sd 0.01, half 0.024841 → CI [0.085159, 0.134841]; lo > 0.02.
    const c = compareSeries(series([0.9, 0.94, 0.95]), series([0.8, 0.82, 0.84]), opts(0.02));
    expect(c.outcome).toBe('improved');
    expect(c.ci.lo).toBeCloseTo(0.085159, 5);
  });

  it('different seed sets use Welch; lower-is-better regression', () => {
    // baseline seeds 1,2: 0.20 0.22 (mean 0.21, s² = 0.0002); candidate seeds 3,4: 0.40 0.42 (mean 0.41,
    // s² = 0.0002). d = +0.20, se = √(0.0002/2 + 0.0002/2) = 0.014142, Satterthwaite df =
    // (0.0002)² / (0.0001²/1 + 0.0001²/1) = 2, half = 4.3027 · 0.014142 = 0.060849 → CI [0.13915, 0.26085].
    // WER is lower-is-better: the whole CI is above +0.01, which would be a regression, but 2 seeds a
    // side are too few to call one (docs/statistics.md) → inconclusive, naming why.
    const base = series([0.2, 0.22], {
      metric: 'wer',
      signature: 'wer|v1',
      direction: 'lower',
      seeds: [1, 2],
    });
    const cand = series([0.4, 0.42], {
      metric: 'wer',
      signature: 'wer|v1',
      direction: 'lower',
      seeds: [3, 4],
    });
    const c = compareSeries(cand, base, opts(0.01));
    expect(c.method).toBe('welch');
    expect(c.ci.lo).toBeCloseTo(0.13915, 4);
    expect(c.ci.hi).toBeCloseTo(0.26085, 4);
    expect(c.outcome).toBe('inconclusive');
    expect(c.reason).toMatch(/2 seed\(s\) on one side, at least 3 needed: inconclusive, not a failure/);
    expect(c.notes).toEqual(['seeds only in the candidate: 3, 4', 'seeds only in the baseline: 1, 2']);
  });

  it('zero-width CI: at −t it passes; beyond −t it is inconclusive (zero variance), never a regression', () => {
    // Dyadic values keep the arithmetic exact: d = 0.5 − 0.75 = −0.25 on all 3 seeds, sd 0 → CI [−0.25, −0.25].
    // t = 0.25: hi = −0.25 is not < −0.25 (no regression) and lo = −0.25 ≥ −0.25 → pass.
    const cand = series([0.5, 0.5, 0.5]);
    const base = series([0.75, 0.75, 0.75]);
    const atBound = compareSeries(cand, base, opts(0.25));
    expect([atBound.ci.lo, atBound.ci.hi]).toEqual([-0.25, -0.25]);
    expect(atBound.outcome).toBe('pass');
    // t = 0.125: hi = −0.25 < −0.125 would be a regression, but every seed agrees exactly.
    const beyond = compareSeries(cand, base, opts(0.125));
    expect(beyond.outcome).toBe('inconclusive');
    expect(beyond.reason).toMatch(/zero variance\): inconclusive, not a failure/);
  });

  it('a regression with 3 varying paired seeds still fails', () => {
    // d = −0.25, −0.24, −0.26: mean −0.25, CI well below −0.125 → regression.
    const c = compareSeries(series([0.5, 0.51, 0.49]), series([0.75, 0.75, 0.75]), opts(0.125));
    expect(c.method).toBe('paired-t');
    expect(c.outcome).toBe('regression');
  });

  it('tolerance exactly at the better end of a wide CI is inconclusive, just inside it fails', () => {
    // d = −0.20 −0.19 −0.21 → CI ≈ [−0.224841, −0.175159] (see the first case). Tolerance set to exactly
    // −hi: the CI touches −t without crossing it → inconclusive; a tolerance 1e-9 smaller → regression.
    const cand = series([0.6, 0.63, 0.63]);
    const base = series([0.8, 0.82, 0.84]);
    const hi = compareSeries(cand, base, opts(0)).ci.hi as number;
    expect(compareSeries(cand, base, opts(-hi)).outcome).toBe('inconclusive');
    expect(compareSeries(cand, base, opts(-hi - 1e-9)).outcome).toBe('regression');
  });

  it('one seed on a side gives no CI: inconclusive, never a failure', () => {
    // 0.1 vs 0.9 is a huge drop, but n = 1 has no t interval (df 0).
    const c = compareSeries(series([0.1]), series([0.9]), opts(0));
    expect(c.outcome).toBe('inconclusive');
    expect(c.ci).toEqual({ lo: null, hi: null, level: 0.95 });
    expect(c.reason).toContain('no confidence interval');
  });

  it('values that are not numbers are excluded and noted', () => {
    const cand = { ...series([0.8, 0.82]), dropped: ['3'] };
    const c = compareSeries(cand, series([0.8, 0.82]), opts(0.02));
    expect(c.notes).toContain('candidate seeds with no numeric value (excluded): 3');
    expect(c.outcome).toBe('pass');
  });

  it('a signature may vary by seed (data-dependent counts) as long as each seed matches', () => {
    const perSeed = { signatures: { '1': 'cka|n:55', '2': 'cka|n:56' } };
    const same = compareSeries(
      series([0.5, 0.5], { metric: 'cka', ...perSeed }),
      series([0.5, 0.5], { metric: 'cka', ...perSeed }),
      opts(0),
    );
    expect(same.outcome).toBe('pass');
    expect(same.baseline.signature).toBe('cka|n:55, cka|n:56');
    const other = { signatures: { '1': 'cka|n:55', '2': 'cka|n:57' } };
    const refused = compareSeries(
      series([0.5, 0.5], { metric: 'cka', ...other }),
      series([0.5, 0.5], { metric: 'cka', ...perSeed }),
      opts(0),
    );
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toBe(
      "signature differs (baseline 'cka|n:56', candidate 'cka|n:57') on seed 2; the numbers are not comparable",
    );
  });

  it('with no seed in common the sets of signatures must be equal', () => {
    const cand = series([0.5, 0.5], { seeds: [3, 4] });
    expect(compareSeries(cand, series([0.5, 0.5]), opts(0)).outcome).toBe('pass');
    const v2 = series([0.5, 0.5], { seeds: [3, 4], signature: 'accuracy|exact|v2' });
    expect(compareSeries(v2, series([0.5, 0.5]), opts(0)).outcome).toBe('refused');
  });

  it('different signatures refuse the comparison', () => {
    const c = compareSeries(
      series([0.8, 0.8], { signature: 'accuracy|exact|v2' }),
      series([0.8, 0.8]),
      opts(0.02),
    );
    expect(c.outcome).toBe('refused');
    expect(c.reason).toContain("baseline 'accuracy|exact|v1', candidate 'accuracy|exact|v2'");
  });
});
