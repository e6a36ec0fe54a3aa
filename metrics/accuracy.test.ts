import { describe, expect, it } from 'vitest';
import { accuracyAccumulator, accuracyOnSubset, accuracySignature, isExactMatch } from './accuracy.ts';

const afterAnswer = (s: string) => s.split('answer:').pop() ?? '';

describe('accuracy', () => {
  it('exact match after trimming, case-sensitive', () => {
    expect(isExactMatch('  42 \n', '42')).toBe(true);
    expect(isExactMatch('Paris', 'paris')).toBe(false);
    expect(isExactMatch('', '')).toBe(true);
    expect(isExactMatch('', '7')).toBe(false);
  });

  it('applies the extractor to the prediction only', () => {
    expect(isExactMatch('because 6*7 answer: 42', '42', afterAnswer)).toBe(true);
    expect(isExactMatch('answer: 41', '42', afterAnswer)).toBe(false);
  });

  it('counts merge across shards: 3 of 5 correct', () => {
    // Shard 1: 2 of 3 right; shard 2: 1 of 2 right → 3/5 = 0.6.
    const acc = accuracyAccumulator({ extract: afterAnswer, extractName: 'after-answer' });
    let s1 = acc.empty();
    for (const [p, g] of [
      ['answer: a', 'a'],
      ['answer: b', 'b'],
      ['answer: x', 'c'],
    ])
      s1 = acc.update(s1, { prediction: p, gold: g });
    let s2 = acc.empty();
    for (const [p, g] of [
      ['answer: d', 'd'],
      ['nothing', 'e'],
    ])
      s2 = acc.update(s2, { prediction: p, gold: g });
    const [v] = acc.compute(acc.merge(s1, s2));
    expect(v.value).toBe(0.6);
    expect(v.detail).toEqual({ correct: 3, total: 5 });
    expect(v.signature).toBe('accuracy|match:exact|extract:after-answer|v1');
  });

  it('empty set gives NaN, not 0', () => {
    const acc = accuracyAccumulator();
    expect(acc.compute(acc.empty())[0].value).toBeNaN();
    expect(accuracySignature()).toBe('accuracy|match:exact|extract:trim|v1');
  });

  it('subset accuracy counts only included examples', () => {
    // Included: 0 (right), 2 (wrong), 3 (right) → 2 of 3.
    const s = accuracyOnSubset(['a', 'b', 'c', 'd'], ['a', 'x', 'y', 'd'], [true, false, true, true]);
    expect(s).toEqual({ correct: 2, total: 3 });
    expect(() => accuracyOnSubset(['a'], ['a', 'b'], [true])).toThrow(/must match/);
  });
});
