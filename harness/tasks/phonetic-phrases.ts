import type { Rng } from '../engine/rng.ts';
import { hashString } from '../engine/rng.ts';
import { brownSentences, sentenceRuns } from './data/brown.ts';
import { type DictionaryId, differsAcrossDictionaries, loadDictionary, phonesOf } from './data/cmudict.ts';
import { type ChannelRates, encodePhones, noisyChannel } from './phones.ts';
import type { Example } from './types.ts';

/** The task options phrase drawing reads (a structural slice, so this file does not import the task). */
interface PhraseOptions {
  minWords: number;
  maxWords: number;
  keepStress: boolean;
  wordBoundaries: boolean;
}

/**
 * The phrase side of phonetic-transcription: which Brown n-grams a split may draw, which words are
 * held out for OOD, and how a phrase becomes a noisy-phone prompt. harness/tasks/phonetic-transcription.ts
 * decides which split gets which phrases.
 */

/** Words shorter than this are never held out, so OOD tests spelling of content words, not "the". */
export const MIN_HELD_OUT_LENGTH = 5;

export interface Phrase {
  words: string[];
}

export const phraseKey = (p: Phrase): string => p.words.join(' ');

export function usable(w: string): boolean {
  // A phrase must be pronounceable under both releases so every profile renders the same phrases.
  return loadDictionary('cmu-3.0.0').has(w) && loadDictionary('stdlib-0.2.3').has(w);
}

const vocabularies = new Map<string, ReadonlySet<string>>();

/**
 * The `size` most frequent Brown words that both releases pronounce and that are not held out (ties
 * by spelling): a closed vocabulary small enough that each word recurs across many train phrases.
 * Counting tokenizes the whole corpus once per process (~1 s).
 */
export function frequentVocabulary(size: number, seed: number, fraction: number): ReadonlySet<string> {
  const id = `${size}:${seed >>> 0}:${fraction}`;
  const hit = vocabularies.get(id);
  if (hit) return hit;
  const counts = new Map<string, number>();
  const n = brownSentences().length;
  for (let i = 0; i < n; i++)
    for (const run of sentenceRuns(i)) for (const w of run) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts]
    .filter(([w]) => usable(w) && !isHeldOut(w, seed, fraction))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out = new Set(ranked.slice(0, size).map(([w]) => w));
  vocabularies.set(id, out);
  return out;
}

export function isHeldOut(word: string, seed: number, fraction: number): boolean {
  return word.length >= MIN_HELD_OUT_LENGTH && hashString(`${seed >>> 0}:${word}`) < fraction * 2 ** 32;
}

/**
 * One n-gram drawn from a random sentence; undefined when that sentence has no run long enough.
 * `words` fixes n (the closed-vocabulary splits fix it per output slot); without it n is drawn here,
 * after the sentence, which is the order every seeded split of the open generator depends on.
 */
export function drawPhrase(
  rng: Rng,
  o: PhraseOptions,
  words?: number,
  allowed: (w: string) => boolean = usable,
): Phrase | undefined {
  const sentences = brownSentences();
  const runs = sentenceRuns(rng.int(0, sentences.length - 1));
  const n = words ?? rng.int(o.minWords, o.maxWords);
  const starts: [readonly string[], number][] = [];
  for (const run of runs) {
    let ok = 0; // consecutive allowed words ending at i
    for (let i = 0; i < run.length; i++) {
      ok = allowed(run[i]) ? ok + 1 : 0;
      if (ok >= n) starts.push([run, i - n + 1]);
    }
  }
  if (!starts.length) return undefined;
  const [run, at] = rng.pick(starts);
  return { words: run.slice(at, at + n) };
}

export function render(
  phrase: Phrase,
  dictionary: DictionaryId,
  rates: ChannelRates,
  o: PhraseOptions,
  noiseRng: Rng,
): Omit<Example, 'id'> {
  const dict = loadDictionary(dictionary);
  const perWord = phrase.words.map((w) => phonesOf(dict.get(w)!, o.keepStress));
  const clean = perWord.flat();
  let prompt: string;
  let noisy: string[];
  if (o.wordBoundaries) {
    // Boundaries survive the channel (they are not phones); each word is noised on its own.
    const parts = perWord.map((ps) => noisyChannel(ps, rates, noiseRng).phones);
    noisy = parts.flat();
    prompt = parts.map(encodePhones).join(' ');
  } else {
    noisy = noisyChannel(clean, rates, noiseRng).phones;
    prompt = encodePhones(noisy);
  }
  return {
    prompt,
    response: phrase.words.join(' '),
    meta: {
      words: phrase.words,
      phones: clean.join(' '),
      noisyPhones: noisy.join(' '),
      dictionary,
      differsAcrossDictionaries: phrase.words.some((w) => differsAcrossDictionaries(w, o.keepStress)),
    },
  };
}
