import { z } from 'zod';
import type { Rng } from '../engine/rng.ts';
import { hashString } from '../engine/rng.ts';
import { commonOptionDocs, commonOptionShape, drawUnique, fits, streamRng, withIds } from './common.ts';
import { brownSentences, sentenceRuns } from './data/brown.ts';
import {
  DICTIONARY_IDS,
  type DictionaryId,
  differsAcrossDictionaries,
  loadDictionary,
  phonesOf,
} from './data/cmudict.ts';
import { type ChannelRates, encodePhones, noisyChannel } from './phones.ts';
import type { Example, TaskData, TaskDefinition } from './types.ts';

/**
 * Noisy phones -> words: the decoding half of speech recognition. Phrases are 1-3 word n-grams of
 * Brown corpus sentences; each word's primary CMUdict pronunciation is concatenated (no word
 * boundaries unless asked, as in speech), passed through a confusable-phone channel and written with
 * the one-character phone table of phones.ts. The response is the words, lowercase, single-spaced.
 */
const ID = 'phonetic-transcription';

/** Words shorter than this are never held out, so OOD tests spelling of content words, not "the". */
const MIN_HELD_OUT_LENGTH = 5;

const PROFILE_DICTIONARY: Record<string, DictionaryId> = {
  'cmu-new': 'cmu-3.0.0',
  'cmu-old': 'stdlib-0.2.3',
};

const rate = (d: number) => z.number().min(0).max(1).default(d);

const schema = z
  .object({
    ...commonOptionShape,
    dictionary: z.enum(DICTIONARY_IDS).default('cmu-3.0.0'),
    subRate: rate(0.1),
    delRate: rate(0.05),
    keepStress: z.boolean().default(false),
    wordBoundaries: z.boolean().default(false),
    minWords: z.number().int().min(1).max(6).default(1),
    maxWords: z.number().int().min(1).max(6).default(3),
    oodWordFraction: z.number().min(0.01).max(0.9).default(0.15),
    oodNoiseScale: z.number().min(1).max(10).default(1.5),
    differingFraction: z.number().min(0).max(1).default(0),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.subRate + o.delRate > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['subRate'],
        message: `subRate + delRate is ${o.subRate + o.delRate}, must be at most 1`,
      });
    } else if ((o.subRate + o.delRate) * o.oodNoiseScale > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['oodNoiseScale'],
        message: '(subRate + delRate) * oodNoiseScale must be at most 1',
      });
    }
    if (o.minWords > o.maxWords) {
      ctx.addIssue({
        code: 'custom',
        path: ['minWords'],
        message: `minWords (${o.minWords}) exceeds maxWords (${o.maxWords})`,
      });
    }
  });

export type PhoneticOptions = z.infer<typeof schema>;

interface Phrase {
  words: string[];
}

function usable(w: string): boolean {
  // A phrase must be pronounceable under both releases so every profile renders the same phrases.
  return loadDictionary('cmu-3.0.0').has(w) && loadDictionary('stdlib-0.2.3').has(w);
}

function isHeldOut(word: string, seed: number, fraction: number): boolean {
  return word.length >= MIN_HELD_OUT_LENGTH && hashString(`${seed >>> 0}:${word}`) < fraction * 2 ** 32;
}

/** One n-gram drawn from a random sentence; undefined when that sentence has no run long enough. */
function drawPhrase(rng: Rng, o: PhoneticOptions): Phrase | undefined {
  const sentences = brownSentences();
  const runs = sentenceRuns(rng.int(0, sentences.length - 1));
  const n = rng.int(o.minWords, o.maxWords);
  const starts: [readonly string[], number][] = [];
  for (const run of runs) {
    let ok = 0; // consecutive usable words ending at i
    for (let i = 0; i < run.length; i++) {
      ok = usable(run[i]) ? ok + 1 : 0;
      if (ok >= n) starts.push([run, i - n + 1]);
    }
  }
  if (!starts.length) return undefined;
  const [run, at] = rng.pick(starts);
  return { words: run.slice(at, at + n) };
}

function render(
  phrase: Phrase,
  dictionary: DictionaryId,
  rates: ChannelRates,
  o: PhoneticOptions,
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

function generate(o: PhoneticOptions, seed: number): TaskData {
  const rates = { subRate: o.subRate, delRate: o.delRate };
  const oodRates = { subRate: o.subRate * o.oodNoiseScale, delRate: o.delRate * o.oodNoiseScale };
  // The noise of an example depends only on its phrase, so profile variants see the same draws.
  const noiseRng = (split: string, p: Phrase) => streamRng(ID, seed, `noise:${split}:${p.words.join(' ')}`);
  const seen = new Set<string>();
  const phrases = (split: string, count: number, ood: boolean, dictionaries: DictionaryId[]) => {
    const rng = streamRng(ID, seed, split);
    const mustDiffer: boolean[] = [];
    return drawUnique(ID, split, count, seen, (slot) => {
      // Decided once per output slot, so oversampling reaches the configured fraction.
      mustDiffer[slot] ??= rng.next() < o.differingFraction;
      const p = drawPhrase(rng, o);
      if (!p) return undefined;
      const held = p.words.some((w) => isHeldOut(w, seed, o.oodWordFraction));
      if (held !== ood) return undefined;
      // Oversampling phrases the two releases pronounce differently sharpens the teachers' conflict.
      if (mustDiffer[slot] && !p.words.some((w) => differsAcrossDictionaries(w, o.keepStress))) {
        return undefined;
      }
      for (const d of dictionaries) {
        const ex = render(p, d, ood ? oodRates : rates, o, noiseRng(split, p));
        // A phrase whose every phone was deleted leaves nothing to transcribe.
        if (!ex.prompt || !fits(ex.prompt, ex.response, o.maxLength)) return undefined;
      }
      return { key: p.words.join(' '), value: p };
    });
  };
  const all = [...DICTIONARY_IDS];
  // Evaluation splits are drawn first so resizing train never changes them.
  const ood = phrases('ood', o.oodSize, true, [o.dictionary]);
  const test = phrases('test', o.testSize, false, [o.dictionary]);
  const valid = phrases('valid', o.validSize, false, [o.dictionary]);
  const train = phrases('train', o.trainSize, false, all);
  const build = (split: string, ps: Phrase[], d: DictionaryId, r: ChannelRates, idSplit = split) =>
    withIds(
      ID,
      idSplit,
      ps.map((p) => render(p, d, r, o, noiseRng(split, p))),
    );
  return {
    splits: {
      train: build('train', train, o.dictionary, rates),
      valid: build('valid', valid, o.dictionary, rates),
      test: build('test', test, o.dictionary, rates),
      ood: build('ood', ood, o.dictionary, oodRates),
    },
    profiles: Object.fromEntries(
      Object.entries(PROFILE_DICTIONARY).map(([name, d]) => [
        name,
        build('train', train, d, rates, `train@${name}`),
      ]),
    ),
  };
}

export const phoneticTranscription: TaskDefinition<PhoneticOptions> = {
  id: ID,
  description:
    'Noisy CMUdict phone sequences of 1-3 word Brown-corpus phrases -> the words (speech decoding, scored by WER). ' +
    'OOD: phrases with held-out words at higher noise. Profiles cmu-new/cmu-old pronounce with two CMUdict releases.',
  options: schema,
  optionDocs: {
    ...commonOptionDocs,
    dictionary: {
      doc: 'CMUdict release used for the splits (profiles always use their own)',
      range: DICTIONARY_IDS.join(' | '),
    },
    subRate: {
      doc: 'per-phone probability of a confusable-phone substitution',
      range: '0-1, subRate + delRate <= 1',
    },
    delRate: {
      doc: 'per-phone probability of a deletion',
      range: '0-1, subRate + delRate <= 1',
    },
    keepStress: {
      doc: 'keep vowel stress digits 0-2 after each vowel',
      range: 'true | false',
    },
    wordBoundaries: {
      doc: 'separate words with a space in the phone input',
      range: 'true | false',
    },
    minWords: { doc: 'fewest words per phrase', range: 'integer 1-6, <= maxWords' },
    maxWords: { doc: 'most words per phrase', range: 'integer 1-6, >= minWords' },
    oodWordFraction: {
      doc: `fraction of word types of ${MIN_HELD_OUT_LENGTH}+ letters held out of train/valid/test; every OOD phrase has one`,
      range: '0.01-0.9',
    },
    oodNoiseScale: {
      doc: 'multiplier of both noise rates in the OOD split',
      range: '1-10, (subRate + delRate) * oodNoiseScale <= 1',
    },
    differingFraction: {
      doc:
        'least fraction of phrases containing a word whose primary pronunciation differs between the two ' +
        'releases (0 keeps the natural rate, about 3%)',
      range: '0-1',
    },
  },
  metrics: ['wer', 'cer', 'gold-nll'],
  profileNames: () => Object.keys(PROFILE_DICTIONARY),
  generate,
};
