import { describe, expect, it } from 'vitest';
import {
  jiwerWords,
  pyRemoveWhitespace,
  pySplit,
  pyStrip,
  rougeTokens,
  tokenize13a,
  tokenizeChar,
} from './tokenizers.ts';

// Expected outputs derived by hand from sacreBLEU's tokenizer_13a.py / tokenizer_re.py regexes
// (each step shown), and from Python's definition of whitespace (str.isspace).
describe('13a tokenizer', () => {
  it('splits punctuation and symbols off words', () => {
    // '!' and ',' are in the symbol class or the comma rule; the apostrophe is not split.
    expect(tokenize13a('Hello, world! It\'s "fine".')).toBe('Hello , world ! It\'s " fine " .');
  });

  it('keeps periods and commas between digits, splits a dash after a digit', () => {
    // "3.14" has a digit on both sides of '.', so neither period rule fires; "5-6": dash after digit.
    expect(tokenize13a('pi is 3.14, 1,000 or 5-6.')).toBe('pi is 3.14 , 1,000 or 5 - 6 .');
    // A dash between letters stays (only the digit rule touches '-').
    expect(tokenize13a('well-known')).toBe('well-known');
  });

  it('unescapes the four XML entities, drops <skipped>, joins "-\\n" and turns newlines into spaces', () => {
    expect(tokenize13a('&quot;a&quot; &amp; &lt;b&gt;')).toBe('" a " & < b >');
    expect(tokenize13a('x<skipped>y')).toBe('xy');
    expect(tokenize13a('hyph-\nen\nline')).toBe('hyphen line');
  });

  it('does not fold ţ (U+0163) into ț (U+021B)', () => {
    expect(tokenize13a('ţ ț')).toBe('ţ ț');
  });

  it('char tokenizer separates every code point', () => {
    expect(tokenizeChar('ab 😀')).toBe('a b   😀');
  });
});

describe('Python whitespace', () => {
  it('U+001C..U+001F and U+0085 are whitespace, U+FEFF is not', () => {
    expect(pySplit('a\x1cb\x85c\ufeffd')).toEqual(['a', 'b', 'c\ufeffd']);
    expect(pyStrip('\u3000 x \u2028')).toBe('x');
    expect(pyRemoveWhitespace('a b\tc\u00a0d')).toBe('abcd');
  });

  it("jiwer's default word transform", () => {
    expect(jiwerWords('  hello   world \n')).toEqual(['hello', 'world']);
    // A single tab is not collapsed, so "a\tb" stays one word; two whitespace chars become a space.
    expect(jiwerWords('a\tb c')).toEqual(['a\tb', 'c']);
    expect(jiwerWords('a\t\tb')).toEqual(['a', 'b']);
    expect(jiwerWords('   ')).toEqual([]);
  });
});

describe('rouge-score tokens', () => {
  it('lowercase, non-alphanumerics separate, nothing else survives', () => {
    expect(rougeTokens("It's 2 o'clock -- ÜBER!")).toEqual(['it', 's', '2', 'o', 'clock', 'ber']);
    expect(rougeTokens('/')).toEqual([]);
  });
});
