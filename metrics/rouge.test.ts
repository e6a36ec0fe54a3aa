import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  corpusRouge,
  info,
  ROUGE_TYPES,
  rouge1,
  rouge2,
  rougeAccumulator,
  rougeL,
  rougeLsum,
  rougeScore,
  rougeSignature,
} from './rouge.ts';

// Values from google-research rouge/rouge_scorer_test.py; argument order is (target, prediction).
describe('rouge-score rouge_scorer_test.py', () => {
  it('testRouge1, testRouge2, testRougeL(Non)Consecutive', () => {
    expect(rouge1('testing one two', 'testing')).toEqual({ precision: 1, recall: 1 / 3, fmeasure: 1 / 2 });
    const r2 = rouge2('testing one two', 'testing one');
    expect([r2.precision, r2.recall]).toEqual([1, 1 / 2]);
    expect(r2.fmeasure).toBeCloseTo(2 / 3, 15);
    for (const pred of ['testing one', 'testing two']) {
      const l = rougeL('testing one two', pred);
      expect([l.precision, l.recall]).toEqual([1, 2 / 3]);
      expect(l.fmeasure).toBeCloseTo(4 / 5, 15);
    }
  });

  it('testRougeEmpty: an empty prediction scores 0 for every type', () => {
    for (const t of ROUGE_TYPES)
      expect(rougeScore(t, 'testing one two', '')).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  // rouge/testdata/target.txt and prediction.txt, first two lines (f.readlines(), newline kept);
  // expected values are the test's ROUGE-1.5.5 runs, to 5 places.
  const T0 =
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
  const P0 = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
  const T1 =
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";
  const P1 =
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";
  const near = (
    s: { precision: number; recall: number; fmeasure: number },
    r: number,
    p: number,
    f: number,
  ) => {
    expect(s.recall).toBeCloseTo(r, 5);
    expect(s.precision).toBeCloseTo(p, 5);
    expect(s.fmeasure).toBeCloseTo(f, 5);
  };
  it('testRouge1AgainstRouge155, testRouge2AgainstRouge155, testRougeLAgainstRouge155', () => {
    near(rouge1(T0, P0), 0.40741, 0.6875, 0.51163);
    near(rouge1(T1, P1), 0.40476, 0.65385, 0.5);
    near(rouge2(T0, P0), 0.30769, 0.53333, 0.39024);
    near(rouge2(T1, P1), 0.29268, 0.48, 0.36364);
    near(rougeL(T0, P0), 0.40741, 0.6875, 0.51163);
    near(rougeL(T1, P1), 0.40476, 0.65385, 0.5);
  });

  it('testRougeLsum (union LCS, Lin 2004 §3.2) and its empty cases', () => {
    const s = rougeLsum('w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5');
    expect([s.recall, s.precision]).toEqual([0.8, 0.4]);
    expect(s.fmeasure).toBeCloseTo(0.5333, 3);
    for (const [t, p] of [
      ['w1 w2 w3 w4 w5', ''],
      ['', 'w1'],
      ['w1 w2 w3 w4 w5', '/'],
    ]) {
      expect(rougeLsum(t, p)).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    }
  });

  it('rougeLsum clips hits by token counts (no double counting across sentences)', () => {
    // Reference sentences "a b" and "a c"; one candidate sentence "a". Union LCS of each reference
    // sentence with the candidate is [a]; the candidate has only one "a", so hits = 1, not 2.
    // recall 1/4, precision 1/1, F = 2·(1/4)/(5/4) = 0.4.
    const s = rougeLsum('a b\na c', 'a');
    expect([s.recall, s.precision]).toEqual([0.25, 1]);
    expect(s.fmeasure).toBeCloseTo(0.4, 15);
  });
});

describe('conventions', () => {
  it('tokens: lowercase, non [a-z0-9] is a separator, non-ASCII letters dropped', () => {
    expect(rouge1('The quick-brown FOX!', 'the quick brown fox')).toEqual({
      precision: 1,
      recall: 1,
      fmeasure: 1,
    });
    // "café" -> "caf": the accented letter is not in [a-z0-9].
    expect(rouge1('café', 'caf').fmeasure).toBe(1);
  });

  it('corpus value is the mean of per-example F1 (not F1 of pooled counts)', () => {
    // Example F1s: 1 (identical) and 0.5 (testRouge1) -> mean 0.75.
    const v = corpusRouge('rouge1', ['a b', 'testing one two'], ['a b', 'testing']);
    expect(v.value).toBeCloseTo(0.75, 15);
    expect(v.signature).toBe('rouge1|tok:rouge-score|stem:no|agg:mean-f1|v1');
    expect(rougeSignature('rougeLsum')).toContain('split:newline');
    expect(corpusRouge('rougeL', [], []).value).toBeNaN();
  });

  it('registry entries are higher-is-better', () => {
    expect(info.map((m) => [m.id, m.direction])).toEqual(ROUGE_TYPES.map((t) => [t, 'higher']));
  });
});

describe('sufficient statistics', () => {
  const text = fc
    .array(fc.constantFrom('a', 'b', 'c', 'dog', '\n', 'The'), { maxLength: 10 })
    .map((w) => w.join(' '));
  it('merged halves equal the whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text), { maxLength: 12 }),
        fc.nat(),
        fc.constantFrom(...ROUGE_TYPES),
        (rows, cut, type) => {
          const k = rows.length ? cut % (rows.length + 1) : 0;
          const acc = rougeAccumulator(type);
          const feed = (rs: typeof rows) =>
            rs.reduce((s, [t, p]) => acc.update(s, { target: t, prediction: p }), acc.empty());
          const merged = acc.merge(feed(rows.slice(0, k)), feed(rows.slice(k)));
          const whole = feed(rows);
          expect(merged.count).toBe(whole.count);
          expect(merged.sumF).toBeCloseTo(whole.sumF, 12);
        },
      ),
    );
  });
});
