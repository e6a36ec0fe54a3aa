/**
 * Tokenizers of the reference implementations, ported so that our numbers match theirs string for
 * string. They are Python programs, so "whitespace" below is Python's (str.isspace / re `\s` on str),
 * which differs from JavaScript's `\s`: Python counts U+001C..U+001F and U+0085 and not U+FEFF.
 */

/** Python's whitespace code points, as a regex character-class body. */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`, 'g');
const PY_WS_2PLUS = new RegExp(`[${PY_WS}][${PY_WS}]+`, 'g');
const PY_LEAD = new RegExp(`^[${PY_WS}]+`);
const PY_TRAIL = new RegExp(`[${PY_WS}]+$`);

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_LEAD, '').replace(PY_TRAIL, '');
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAIL, '');
}

/** Python `s.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(PY_WS_RUN);
}

/** Python `''.join(s.split())`: every whitespace character removed. */
export function pyRemoveWhitespace(s: string): string {
  return s.replace(PY_WS_RUN, '');
}

/**
 * jiwer's default word transform (`wer_default`): RemoveMultipleSpaces (`\s\s+` -> ' '), Strip, then
 * split on ' ' dropping empty strings. A single tab between two words is therefore NOT a separator
 * in jiwer ("a\tb" is one word); we keep that quirk so counts match jiwer exactly.
 */
export function jiwerWords(s: string): string[] {
  const t = pyStrip(s.replace(PY_WS_2PLUS, ' '));
  if (t === '') return [];
  const parts = t.split(' ');
  // Only a leftover lone non-space whitespace char can make an empty part; jiwer drops them too.
  return parts.includes('') ? parts.filter((w) => w !== '') : parts;
}

/** jiwer's default character transform (`cer_default`): Strip, then every code point is a unit. */
export function jiwerChars(s: string): string {
  return pyStrip(s);
}

/** Whitespace-separated phones (PER): Python `split()`. */
export const phoneUnits = pySplit;

// sacrebleu tokenizer_re.TokenizerRegexp, the post-processing step of 13a. Python ranges
// `[\{-\~\[-\` -\&\(-\+\:-\@\/]` are {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ and '/'.
const RE_13A: [RegExp, string][] = [
  [/([{-~[-` -&(-+:-@/])/gu, ' $1 '],
  // period and comma unless preceded by a digit
  [/([^0-9])([.,])/gu, '$1 $2 '],
  // period and comma unless followed by a digit
  [/([.,])([^0-9])/gu, ' $1 $2'],
  // dash when preceded by a digit
  [/([0-9])(-)/gu, '$1 $2 '],
];

/** sacrebleu `tokenizer_13a.Tokenizer13a` (mteval-v13a.pl), ported regex for regex. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  s = ` ${s} `;
  for (const [re, repl] of RE_13A) s = s.replace(re, repl);
  return pySplit(s).join(' ');
}

/** sacrebleu `tokenizer_none`: the line unchanged. */
export const tokenizeNone = (line: string): string => line;

/** sacrebleu `tokenizer_char`: every code point (spaces included) separated by a space. */
export const tokenizeChar = (line: string): string => Array.from(line).join(' ');

export const BLEU_TOKENIZERS = { '13a': tokenize13a, none: tokenizeNone, char: tokenizeChar } as const;
export type BleuTokenizerName = keyof typeof BLEU_TOKENIZERS;

/**
 * rouge-score `tokenize.tokenize` without a stemmer: lowercase, every run of characters outside
 * [a-z0-9] becomes a space, split on whitespace, keep only [a-z0-9]+ tokens. Non-ASCII letters are
 * therefore dropped entirely, as in the reference (it was written for English).
 */
export function rougeTokens(text: string): string[] {
  const t = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  return t.split(' ').filter((x) => x !== '');
}
