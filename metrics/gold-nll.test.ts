import { describe, expect, it } from 'vitest';
import { exampleNll, goldNll, goldNllAccumulator, targetLogProbs } from './gold-nll.ts';

const ln = Math.log;

describe('gold NLL', () => {
  it('picks the log-prob of each target from row-major rows', () => {
    // Two positions over a 3-token vocab; targets 2 then 0.
    const rows = [ln(0.2), ln(0.3), ln(0.5), ln(0.25), ln(0.25), ln(0.5)];
    expect(targetLogProbs(rows, [2, 0], 3)).toEqual([ln(0.5), ln(0.25)]);
    expect(() => targetLogProbs(rows, [2], 3)).toThrow(/2 targets|1 targets/);
    expect(() => targetLogProbs(rows, [3, 0], 3)).toThrow(/outside vocab/);
  });

  it('is summed NLL over summed tokens, by hand', () => {
    // Example A: p = 1/2, 1/4 → NLL ln2 + ln4 = 3 ln2 over 2 tokens; example B: p = 1/8 → 3 ln2 over 1.
    // Corpus: 6 ln2 / 3 tokens = 2 ln2 = 1.3863 nats/token (the mean of per-example means would be 2.25 ln2).
    const r = goldNll([[ln(1 / 2), ln(1 / 4)], [ln(1 / 8)]]);
    expect(r.value.metric).toBe('gold-nll');
    expect(r.value.value).toBeCloseTo(2 * ln(2), 12);
    expect(r.value.detail).toEqual({ nll: expect.closeTo(6 * ln(2), 12), tokens: 3, examples: 2 });
    expect(r.examples.map((e) => e.tokens)).toEqual([2, 1]);
    expect(r.examples[0].nll).toBeCloseTo(1.5 * ln(2), 12);
    expect(r.examples[1].nll).toBeCloseTo(3 * ln(2), 12);
  });

  it('is 0 for certain gold tokens and merges exactly across shards', () => {
    expect(goldNll([[0, 0, 0]]).value.value).toBe(0);
    const acc = goldNllAccumulator();
    const a = acc.update(acc.empty(), [ln(0.5)]);
    const b = acc.update(acc.empty(), [ln(0.25), ln(0.125)]);
    const whole = acc.update(acc.update(acc.empty(), [ln(0.5)]), [ln(0.25), ln(0.125)]);
    expect(acc.compute(acc.merge(a, b))[0].value).toBeCloseTo(acc.compute(whole)[0].value, 12);
    expect(acc.compute(whole)[0].value).toBeCloseTo((6 * ln(2)) / 3, 12);
    expect(Number.isNaN(acc.compute(acc.empty())[0].value)).toBe(true);
  });

  it('refuses values that are not log-probabilities and empty examples', () => {
    expect(() => exampleNll([0.5])).toThrow(/not <= 0/);
    expect(() => exampleNll([Number.NaN])).toThrow(/not <= 0/);
    expect(() => exampleNll([])).toThrow(/no response token/);
  });
});
