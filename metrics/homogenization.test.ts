import { describe, expect, it } from 'vitest';
import { sentenceBleu } from './bleu.ts';
import {
  distinctN,
  diversityRatio,
  diversityValues,
  linearCka,
  pairwiseAccumulator,
  pairwiseMatrix,
  responseSimilarity,
  selfBleu,
} from './homogenization.ts';

describe('distinct-n (Li et al. 2016)', () => {
  it('hand case over two responses', () => {
    // Tokens: "a b a" and "b a c". Unigrams: a b a b a c → 6 total, {a, b, c} = 3 unique → 0.5.
    // Bigrams per response: (a b)(b a) and (b a)(a c) → 4 total, {ab, ba, ac} = 3 unique → 0.75.
    expect(distinctN(['a b a', 'b a c'], 1)).toEqual({ unique: 3, total: 6, value: 0.5 });
    expect(distinctN(['a b a', 'b a c'], 2)).toEqual({ unique: 3, total: 4, value: 0.75 });
  });

  it('bigrams do not cross response boundaries; no n-grams gives 0', () => {
    // "x" and "y" have no bigrams; joining them would have made one.
    expect(distinctN(['x', 'y'], 2)).toEqual({ unique: 0, total: 0, value: 0 });
    expect(distinctN(['  spaced   out  '], 1).total).toBe(2);
  });

  it('ratio against the none student', () => {
    expect(diversityRatio(distinctN(['a a a a'], 1), distinctN(['a b c d'], 1))).toBe(0.25);
    expect(diversityRatio(distinctN(['a'], 1), distinctN([''], 1))).toBeNaN();
  });
});

describe('self-BLEU (Zhu et al. 2018)', () => {
  it('is 100 for identical responses and the mean of leave-one-out BLEU otherwise', () => {
    const same = 'the quick brown fox jumps';
    expect(selfBleu([same, same, same])).toBeCloseTo(100, 10);
    const rs = ['the cat sat on the mat', 'a dog ran in the park', 'the cat ran on the mat'];
    const expected =
      (sentenceBleu(rs[0], [rs[1], rs[2]]) +
        sentenceBleu(rs[1], [rs[0], rs[2]]) +
        sentenceBleu(rs[2], [rs[0], rs[1]])) /
      3;
    expect(selfBleu(rs)).toBeCloseTo(expected, 12);
    expect(selfBleu(rs)).toBeLessThan(100);
    expect(selfBleu(['only one'])).toBeNaN();
  });

  it('diversity values carry their signatures', () => {
    const vs = diversityValues(['a b a', 'b a c']);
    expect(vs.map((v) => [v.metric, v.value])).toEqual([
      ['distinct-1', 0.5],
      ['distinct-2', 0.75],
      ['self-bleu', selfBleu(['a b a', 'b a c'])],
    ]);
    expect(vs[0].signature).toBe('distinct-1|tok:whitespace|case:kept|pool:responses|v1');
  });
});

describe('pairwise similarity among techniques', () => {
  it('averages per pair, then over pairs (ROUGE-L F1, hand case)', () => {
    // Prompt 1: kd "the cat sat", none "the cat sat", mix "a dog ran".
    // Prompt 2: kd "the cat sat on the mat", none "the cat sat", mix missing.
    // kd-none: prompt 1 → 1; prompt 2: LCS 3, P = 3/6, R = 3/3 → F1 = 2/3; mean 5/6.
    // kd-mix and none-mix: prompt 1 only, no shared word → 0.  Mean over 3 pairs = (5/6 + 0 + 0)/3 = 5/18.
    const acc = pairwiseAccumulator(['kd', 'none', 'mix']);
    let s = acc.update(acc.empty(), { kd: 'the cat sat', none: 'the cat sat', mix: 'a dog ran' });
    s = acc.update(s, { kd: 'the cat sat on the mat', none: 'the cat sat' });
    const [v] = acc.compute(s);
    expect(v.metric).toBe('homogenization-pairwise');
    expect(v.value).toBeCloseTo(5 / 18, 12);
    expect(v.signature).toMatch(/^homogenization\|pairwise:rougeL-f1\|mean:pairs\|v1\|rougeL\|/);
    const m = pairwiseMatrix(s);
    expect(m[0][1]).toBeCloseTo(5 / 6, 12);
    expect(m[1][0]).toBeCloseTo(5 / 6, 12);
    expect(m[2][2]).toBe(1);
  });

  it('chrF similarity is symmetrized', () => {
    const a = 'the cat sat';
    const b = 'the cat sat on the mat';
    expect(responseSimilarity(a, b, 'chrf')).toBeCloseTo(responseSimilarity(b, a, 'chrf'), 12);
    expect(responseSimilarity(a, a, 'chrf')).toBeCloseTo(1, 10);
  });

  it('re-exports CKA under the names the CLI imports', () => {
    expect(linearCka([[1], [2], [3]], [[2], [4], [6]])).toBeCloseTo(1, 12);
  });
});
