import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jiwerWords, pySplit } from './tokenizers.ts';
import { isPyWhitespace, WordIds } from './word-ids.ts';

const decode = (ids: WordIds, s: string, mode: 'jiwer' | 'ws') => {
  const out = new Int32Array(s.length + 1);
  const n = ids.encode(s, mode, out);
  return Array.from(out.subarray(0, n), (id) => ids.word(id));
};

// Strings dense in the cases that matter: spaces, lone tabs, Python-only whitespace (U+001C, U+0085),
// JS-only whitespace (U+FEFF, which Python does not strip), astral characters.
const text = fc
  .array(
    fc.constantFrom('a', 'b', 'ab', ' ', '  ', '\t', '\n', '\x1c', '\x85', '\u3000', '\ufeff', '😀', 'é'),
    { maxLength: 16 },
  )
  .map((xs) => xs.join(''));

describe('WordIds', () => {
  it("tokenizes exactly like jiwer's transform and Python split()", () => {
    fc.assert(
      fc.property(text, (s) => {
        const ids = new WordIds();
        expect(decode(ids, s, 'jiwer')).toEqual(jiwerWords(s));
        expect(decode(ids, s, 'ws')).toEqual(pySplit(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('equal words get equal ids, across calls and table growth', () => {
    const ids = new WordIds();
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    const out = new Int32Array(64);
    for (const w of words) ids.encode(`${w} x`, 'jiwer', out);
    // First ids: w0 -> 0, x -> 1, then w1 -> 2, ..., w_i -> i + 1.
    const n = ids.encode('w17 x w4999 w17', 'jiwer', out);
    expect(Array.from(out.subarray(0, n))).toEqual([18, 1, 5000, 18]);
    expect(ids.size).toBe(5001);
    expect(ids.word(0)).toBe('w0');
    expect(ids.word(1)).toBe('x');
  });

  it('Python whitespace set', () => {
    const py = [
      9, 10, 11, 12, 13, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029,
      0x202f, 0x205f, 0x3000,
    ];
    for (const c of py) expect(isPyWhitespace(c)).toBe(true);
    for (const c of [0x08, 0x21, 0x84, 0x200b, 0xfeff, 0x41]) expect(isPyWhitespace(c)).toBe(false);
  });
});
