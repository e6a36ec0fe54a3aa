import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bleuAccumulator,
  bleuFromStats,
  bleuSignature,
  closestRefLength,
  corpusBleu,
  emptyBleuStats,
  segmentBleuStats,
  sentenceBleu,
} from './bleu.ts';

// sacreBLEU test/test_bleu.py (2.x): the README example, two reference streams.
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
// raw_corpus_bleu = tokenize none, floor smoothing, effective order.
const RAW = { tokenize: 'none', smooth: 'floor', effectiveOrder: true } as const;
// Upstream tolerance (EPSILON = 1e-8 in test_bleu.py).
const near = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(1e-8);

describe('corpus BLEU: sacreBLEU test_bleu.py', () => {
  it('test_corpus_bleu', () => {
    near(corpusBleu(HYPS, REFS).value, 48.530827);
    expect(corpusBleu(['', '', ''], REFS).value).toBe(0);
    near(corpusBleu(HYPS, REFS, { tokenize: 'none' }).value, 49.1919566);
    near(corpusBleu(HYPS, REFS, { tokenize: '13a' }).value, 48.530827);
    near(corpusBleu(HYPS, REFS, { smooth: 'none' }).value, 48.530827);
  });

  it('test_max_ngram_order', () => {
    const got = [1, 2, 3, 4, 5, 6].map((maxOrder) => corpusBleu(HYPS, REFS, { maxOrder }).value.toFixed(2));
    expect(got).toEqual(['77.65', '60.50', '53.93', '48.53', '46.14', '43.28']);
  });

  it('test_raw_bleu (no matching n-gram at all scores 0, sacreBLEU #141)', () => {
    expect(
      corpusBleu(['this is a test', 'another test'], [['ref1', 'ref2']], { ...RAW, smoothValue: 0.01 }).value,
    ).toBe(0);
    near(corpusBleu(['this is a test'], [['this is a test']], { ...RAW, smoothValue: 0.01 }).value, 100);
    near(
      corpusBleu(['this is a fest'], [['this is a test']], { ...RAW, smoothValue: 0.01 }).value / 100,
      0.223606797749979,
    );
  });

  it('test_effective_order', () => {
    const raw = (h: string, r: string) => corpusBleu([h], [[r]], { ...RAW, smoothValue: 0.01 }).value / 100;
    near(raw('test', 'a test'), 0.3678794411714425);
    near(raw('a test', 'a test'), 1);
    near(raw('a little test', 'a test'), 0.03218297948685433);
  });

  it('test_statistics and test_offset', () => {
    const h = 'am I am a character sequence';
    const r = 'I am a symbol string sequence a a';
    const s = segmentBleuStats(h, [r], { tokenize: 'none' });
    expect([s.matches, s.totals]).toEqual([
      [4, 2, 1, 0],
      [6, 5, 4, 3],
    ]);
    expect(corpusBleu([h], [[r]], { ...RAW, smoothValue: 0 }).value).toBe(0);
    near(corpusBleu([h], [[r]], RAW).value / 100, 0.1555722182);
  });

  it('test_scoring and test_degenerate_statistics', () => {
    const st = (matches: number[], totals: number[], sysLen: number, refLen: number) => ({
      matches,
      totals,
      sysLen,
      refLen,
    });
    near(
      bleuFromStats(st([9, 7, 5, 3], [10, 8, 6, 4], 11, 11), { smooth: 'none' }).score / 100,
      0.8375922397,
    );
    const floor = (s: ReturnType<typeof st>, v: number) =>
      bleuFromStats(s, { smooth: 'floor', smoothValue: v }).score;
    expect(floor(st([0, 0, 0, 0], [4, 4, 2, 1], 0, 1), 0)).toBe(0);
    expect(floor(st([0, 0, 0, 0], [10, 11, 12, 0], 14, 10), 0)).toBe(0);
    expect(floor(st([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0)).toBe(0);
    expect(floor(st([6, 5, 4, 0], [6, 5, 4, 3], 6, 6), 0)).toBe(0);
    expect(floor(st([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0.1)).toBe(0);
    expect(floor(st([0, 0, 0, 0], [0, 0, 0, 0], 1, 5), 0.01)).toBe(0);
  });
});

describe('sentence BLEU: sacreBLEU test_sentence_bleu.py (tolerance 1e-3 as upstream)', () => {
  // Example from sacreBLEU #98 (Romanian: ţ U+0163 in the reference, ț U+021B in the hypothesis).
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  const cases = [
    ['exp', undefined, false, '13a', 8.493],
    ['none', undefined, false, '13a', 0.0],
    ['floor', undefined, false, '13a', 4.51688],
    ['floor', 0.1, false, '13a', 4.51688],
    ['floor', 0.5, false, '13a', 10.1],
    ['add-k', undefined, false, '13a', 14.882],
    ['add-k', 1, false, '13a', 14.882],
    ['add-k', 2, false, '13a', 21.389],
    ['exp', undefined, false, 'none', 7.347],
    ['exp', undefined, false, 'char', 40.8759],
    ['exp', undefined, true, 'char', 42.0267],
  ] as const;
  it.each(cases)(
    'smooth %s value %s lowercase %s tok %s = %f',
    (smooth, smoothValue, lowercase, tokenize, expected) => {
      expect(
        Math.abs(sentenceBleu(SYS, [REF], { smooth, smoothValue, lowercase, tokenize }) - expected),
      ).toBeLessThan(1e-3);
    },
  );

  it('zero BLEU under every smoothing when nothing matches (#141)', () => {
    for (const smooth of ['exp', 'none', 'floor', 'add-k'] as const)
      expect(sentenceBleu('this is a cat', ['okay thanks'], { smooth })).toBe(0);
  });

  it('ţ and ț are different characters', () => {
    expect(sentenceBleu('ţ', ['ț'])).toBe(0);
    near(sentenceBleu('ţ', ['ţ']), 100);
  });
});

describe('conventions', () => {
  it('closest reference length, ties to the shorter', () => {
    expect(closestRefLength(3, [4, 2])).toBe(2);
    expect(closestRefLength(3, [2, 4])).toBe(2);
    expect(closestRefLength(5, [9, 4, 7])).toBe(4);
    // hyp "a b c" (3 tokens) vs refs of 2 and 4 tokens: ref_len 2, so BP = 1 (no brevity penalty).
    expect(segmentBleuStats('a b c', ['a b', 'a b c d']).refLen).toBe(2);
  });

  it('references are streams: stream k holds the k-th reference of every segment', () => {
    const a = corpusBleu(
      ['x y z w', 'p q r s'],
      [
        ['x y z w', 'nope'],
        ['zzz', 'p q r s'],
      ],
    );
    near(a.value, 100);
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(/stream 1 has 1 segments but there are 2/);
  });

  it('empty references: skipped among others; all empty scores 0 instead of raising', () => {
    near(sentenceBleu('a b c d', ['', 'a b c d']), 100);
    expect(sentenceBleu('a b c d', [''])).toBe(0);
    expect(sentenceBleu('', [''])).toBe(0);
  });

  it('signature mirrors sacreBLEU fields', () => {
    expect(bleuSignature(1)).toBe('bleu|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|v1');
    expect(bleuSignature(2, { smooth: 'floor', lowercase: true, effectiveOrder: true })).toBe(
      'bleu|nrefs:2|case:lc|eff:yes|tok:13a|smooth:floor[0.10]|v1',
    );
    expect(bleuSignature(1, { smooth: 'add-k', smoothValue: 2 })).toContain('smooth:add-k[2.00]');
  });
});

describe('sufficient statistics', () => {
  const seg = fc
    .array(fc.constantFrom('a', 'b', 'c', 'the', 'dog', '.'), { maxLength: 10 })
    .map((w) => w.join(' '));
  it('merged halves equal the whole', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(seg, seg, seg), { maxLength: 15 }), fc.nat(), (rows, cut) => {
        const k = rows.length ? cut % (rows.length + 1) : 0;
        const acc = bleuAccumulator(2);
        const feed = (rs: typeof rows) =>
          rs.reduce((s, [h, r1, r2]) => acc.update(s, { hypothesis: h, references: [r1, r2] }), acc.empty());
        const merged = acc.merge(feed(rows.slice(0, k)), feed(rows.slice(k)));
        expect(merged).toEqual(feed(rows));
        const whole = corpusBleu(
          rows.map((r) => r[0]),
          [rows.map((r) => r[1]), rows.map((r) => r[2])],
        );
        expect(acc.compute(merged)[0].value).toBe(whole.value);
      }),
    );
  });

  it('empty accumulator scores 0', () => {
    expect(bleuFromStats(emptyBleuStats()).score).toBe(0);
  });
});
