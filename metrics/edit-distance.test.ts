import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignment } from './edit-alignment.ts';
import {
  corpusEditStats,
  type EditStats,
  editAccumulator,
  editMetric,
  editPerSegment,
  editRates,
  editSignature,
  info,
  mergeEditStats,
} from './edit-distance.ts';

const rates = (r: string | string[], h: string | string[]) =>
  editRates(corpusEditStats(typeof r === 'string' ? [r] : r, typeof h === 'string' ? [h] : h, 'word'));

describe('WER / MER / WIL / WIP: jiwer test vectors', () => {
  // jiwer tests/test_measures.py `_m(wer, mer, wil)`, wip = 1 - wil. The "known values" come from
  // Morris et al. 2004, "From WER and RIL to MER and WIL".
  const cases: [string, string, number, number, number][] = [
    ['This is a test', 'This is a test', 0, 0, 0],
    ['This is a test', '', 1, 1, 1],
    ['This is a test', 'This test', 0.5, 0.5, 0.5],
    [
      'i am a short ground truth',
      'i am a considerably longer and very much incorrect hypothesis',
      7 / 6,
      0.7,
      0.85,
    ],
    ['X', 'X', 0, 0, 0],
    ['X', 'X X Y Y', 3, 0.75, 0.75],
    ['X Y X', 'X Z', 2 / 3, 2 / 3, 5 / 6],
    ['X', 'Y', 1, 1, 1],
    ['X', 'Y Z', 2, 1, 1],
  ];
  it.each(cases)('%j vs %j', (r, h, wer, mer, wil) => {
    const m = rates(r, h);
    expect(m.wer).toBeCloseTo(wer, 12);
    expect(m.mer).toBeCloseTo(mer, 12);
    expect(m.wil).toBeCloseTo(wil, 12);
    expect(m.wip).toBeCloseTo(1 - wil, 12);
  });
});

describe('empty references (jiwer >= 4.0, tests/test_empty_ref.py)', () => {
  it('empty reference and hypothesis: no error, all information preserved', () => {
    for (let k = 1; k < 10; k++) {
      const s = corpusEditStats(new Array(k).fill(''), new Array(k).fill(''), 'word');
      expect(s).toMatchObject({ hits: 0, substitutions: 0, deletions: 0, insertions: 0 });
      expect(editRates(s)).toEqual({ wer: 0, mer: 0, wip: 1, wil: 0 });
    }
  });

  it('empty reference: WER is the raw insertion count', () => {
    expect(rates('', 'hello')).toEqual({ wer: 1, mer: 1, wip: 0, wil: 1 });
    for (let i = 2; i <= 10; i++) {
      const hyp = Array.from({ length: i }, (_, j) => String(j)).join(' ');
      expect(corpusEditStats([''], [hyp], 'word').insertions).toBe(i);
      expect(rates('', hyp)).toEqual({ wer: i, mer: 1, wip: 0, wil: 1 });
    }
  });

  it('empty hypothesis', () => {
    expect(corpusEditStats(['hello'], [''], 'word').deletions).toBe(1);
    expect(rates('hello', '')).toEqual({ wer: 1, mer: 1, wip: 0, wil: 1 });
  });

  it('one empty reference among others uses the normal formula', () => {
    // H=2, I=1, N_ref=2, N_hyp=3: WER 1/2, MER 1/3, WIP (2/2)(2/3) = 2/3.
    const m = rates(['hello world', ''], ['hello world', 'done']);
    expect(m.wer).toBeCloseTo(1 / 2, 12);
    expect(m.mer).toBeCloseTo(1 / 3, 12);
    expect(m.wip).toBeCloseTo(2 / 3, 12);
    expect(m.wil).toBeCloseTo(1 / 3, 12);
    expect(rates(['hello world', ''], ['hello world', ''])).toEqual(rates('hello world', 'hello world'));
  });

  it('CER with an empty reference', () => {
    const cer = (r: string, h: string) => editMetric('cer', [r], [h]).value;
    expect([cer('', ''), cer('', 'a'), cer('', 'abd'), cer('a', ''), cer('abc', '')]).toEqual([
      0, 1, 3, 1, 1,
    ]);
  });
});

describe('CER: jiwer tests/test_cer.py', () => {
  const cer = (r: string[], h: string[]) => editMetric('cer', r, h).value;
  it('spaces count as characters', () => {
    expect(cer(['This is a test'], ['This is a test'])).toBe(0);
    expect(cer(['This is a test'], [''])).toBe(1);
    expect(cer(['This is a test'], ['This test'])).toBeCloseTo(5 / 14, 15);
    // Paper values at character level: "X Y X" vs "X Z" is 3 edits over 5 characters.
    expect([cer(['X'], ['X X Y Y']), cer(['X Y X'], ['X Z']), cer(['X'], ['Y Z'])]).toEqual([6, 3 / 5, 3]);
  });

  it('permutation invariance and the return_dict counts', () => {
    expect(cer(['i', 'am i good'], ['i am', 'i good'])).toBeCloseTo(0.6, 15);
    expect(cer(['am i good', 'i'], ['i good', 'i am'])).toBeCloseTo(0.6, 15);
    expect(editMetric('cer', ['i', 'am i good'], ['i am', 'y good']).detail).toMatchObject({
      hits: 6,
      substitutions: 1,
      deletions: 3,
      insertions: 3,
    });
  });

  it('only leading/trailing whitespace is stripped; inner runs stay', () => {
    // "a  b" (two spaces) vs "a b": one deletion over 4 characters.
    expect(cer(['  a  b '], ['a b'])).toBeCloseTo(1 / 4, 15);
  });
});

describe('conventions', () => {
  it('corpus WER sums counts; it is not the mean of sentence WERs', () => {
    // Line 1 perfect (0 errors / 4 words), line 2 one substitution (1/1). Mean of rates (0 + 1)/2 = 0.5;
    // corpus = (0 + 1) / (4 + 1) = 0.2.
    const refs = ['a b c d', 'a'];
    const hyps = ['a b c d', 'b'];
    const per = editPerSegment('wer', refs, hyps).map((v) => v.value);
    expect(per).toEqual([0, 1]);
    expect(editMetric('wer', refs, hyps).value).toBeCloseTo(0.2, 15);
  });

  it('ties between equal-cost alignments go to the one with more hits', () => {
    // "a b" -> "b c": two substitutions (H=0) or delete a, keep b, insert c (H=1); both 2 edits.
    // Max hits: H=1, S=0, D=1, I=1 -> MER 2/3, WIP (1/2)(1/2) = 1/4. All-substitution would give MER 1, WIP 0.
    const s = corpusEditStats(['a b'], ['b c'], 'word');
    expect(s).toEqual({ hits: 1, substitutions: 0, deletions: 1, insertions: 1, refUnits: 2, hypUnits: 2 });
    expect(editRates(s).mer).toBeCloseTo(2 / 3, 15);
    expect(editRates(s).wip).toBeCloseTo(1 / 4, 15);
    expect(editSignature('mer')).toContain('tie:max-hits');
  });

  it("jiwer's word split: runs of whitespace separate, a single tab does not", () => {
    expect(corpusEditStats(['  a   b '], ['a b'], 'word').hits).toBe(2);
    expect(corpusEditStats(['a\tb'], ['a b'], 'word')).toMatchObject({ refUnits: 1, hypUnits: 2 });
  });

  it('PER aligns whitespace-separated phones', () => {
    // One substituted phone out of four.
    expect(editMetric('per', ['HH AH0 L OW1'], ['HH AH1 L OW1']).value).toBeCloseTo(0.25, 15);
    expect(editMetric('per', ['HH AH0\tL OW1'], ['HH AH0 L OW1']).value).toBe(0);
  });

  it('signatures and registry entries', () => {
    expect(editSignature('wer')).toBe('wer|agg:corpus|norm:strip+collapse|tok:space|tie:max-hits|v1');
    expect(editSignature('cer')).toBe('cer|agg:corpus|norm:strip|tok:char|tie:max-hits|v1');
    expect(info.map((m) => [m.id, m.direction])).toEqual([
      ['wer', 'lower'],
      ['mer', 'lower'],
      ['wil', 'lower'],
      ['wip', 'higher'],
      ['cer', 'lower'],
      ['per', 'lower'],
    ]);
  });
});

describe('alignment', () => {
  it('ops of a hand example', () => {
    expect(alignment('X Y X', 'X Z')).toEqual([
      { op: 'equal', ref: 'X', hyp: 'X' },
      { op: 'delete', ref: 'Y', hyp: null },
      { op: 'substitute', ref: 'X', hyp: 'Z' },
    ]);
    expect(alignment('ab', 'b', 'char')).toEqual([
      { op: 'delete', ref: 'a', hyp: null },
      { op: 'equal', ref: 'b', hyp: 'b' },
    ]);
  });
});

/**
 * Independent check: textbook Levenshtein over (edits, hits) pairs compared lexicographically
 * (fewer edits first, then more hits), with no weights or trimming.
 */
function plainBest(a: string[], b: string[]): [number, number] {
  const better = (x: [number, number], y: [number, number]) => (x[0] !== y[0] ? x[0] < y[0] : x[1] > y[1]);
  let prev: [number, number][] = Array.from({ length: b.length + 1 }, (_, j) => [j, 0]);
  for (let i = 1; i <= a.length; i++) {
    const cur: [number, number][] = [[i, 0]];
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1];
      const cands: [number, number][] = [
        [prev[j - 1][0] + (same ? 0 : 1), prev[j - 1][1] + (same ? 1 : 0)],
        [prev[j][0] + 1, prev[j][1]],
        [cur[j - 1][0] + 1, cur[j - 1][1]],
      ];
      cur[j] = cands.reduce((x, y) => (better(y, x) ? y : x));
    }
    prev = cur;
  }
  return prev[b.length];
}

const sentence = fc
  .array(fc.constantFrom('a', 'b', 'c', 'dd', 'e'), { maxLength: 12 })
  .map((w) => w.join(' '));
const corpus = fc.array(fc.tuple(sentence, sentence), { maxLength: 20 });

describe('properties', () => {
  it('WER of identical strings is 0', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1 }), (xs) => editMetric('wer', xs, xs).value === 0),
    );
  });

  it('corpus statistics merged from two halves equal the whole', () => {
    fc.assert(
      fc.property(corpus, fc.nat(), (pairs, cut) => {
        const k = pairs.length ? cut % (pairs.length + 1) : 0;
        const acc = editAccumulator('word');
        const feed = (ps: [string, string][]) =>
          ps.reduce((s, [r, h]) => acc.update(s, { reference: r, hypothesis: h }), acc.empty());
        const merged = acc.merge(feed(pairs.slice(0, k)), feed(pairs.slice(k)));
        expect(merged).toEqual(feed(pairs));
        expect(acc.compute(merged)).toEqual(acc.compute(feed(pairs)));
      }),
    );
  });

  it('edits and hits equal a textbook lexicographic DP; the alignment shows the same counts', () => {
    fc.assert(
      fc.property(sentence, sentence, (r, h) => {
        const s: EditStats = corpusEditStats([r], [h], 'word');
        const rw = r.split(' ').filter(Boolean);
        const hw = h.split(' ').filter(Boolean);
        expect([s.substitutions + s.deletions + s.insertions, s.hits]).toEqual(plainBest(rw, hw));
        expect(s.hits + s.substitutions + s.deletions).toBe(rw.length);
        expect(s.hits + s.substitutions + s.insertions).toBe(hw.length);
        const ops = alignment(r, h);
        const n = (op: string) => ops.filter((o) => o.op === op).length;
        expect([n('equal'), n('substitute'), n('delete'), n('insert')]).toEqual([
          s.hits,
          s.substitutions,
          s.deletions,
          s.insertions,
        ]);
      }),
    );
  });

  it('merging is plain addition', () => {
    const a = corpusEditStats(['a b'], ['a c'], 'char');
    const b = corpusEditStats(['x'], [''], 'char');
    expect(mergeEditStats(a, b)).toEqual(corpusEditStats(['a b', 'x'], ['a c', ''], 'char'));
  });
});
