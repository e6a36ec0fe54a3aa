import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { commonOptionDocs, commonOptionShape, drawUnique, fits, streamRng, withIds } from './common.ts';
import { DICTIONARY_IDS, type DictionaryId, differsAcrossDictionaries } from './data/cmudict.ts';
import type { ChannelRates } from './phones.ts';
import {
  drawPhrase,
  frequentVocabulary,
  isHeldOut,
  MIN_HELD_OUT_LENGTH,
  type Phrase,
  phraseKey,
  render,
} from './phonetic-phrases.ts';
import type { TaskData, TaskDefinition } from './types.ts';

/**
 * Noisy phones -> words: the decoding half of speech recognition. Phrases are 1-3 word n-grams of
 * Brown corpus sentences; each word's primary CMUdict pronunciation is concatenated (no word
 * boundaries unless asked, as in speech), passed through a confusable-phone channel and written with
 * the one-character phone table of phones.ts. The response is the words, lowercase, single-spaced.
 */
const ID = 'phonetic-transcription';

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
    testVocabulary: z.enum(['closed', 'open']).default('closed'),
    vocabularySize: z.number().int().min(0).max(100_000).default(0),
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
    if (o.vocabularySize && o.testVocabulary === 'open') {
      ctx.addIssue({
        code: 'custom',
        path: ['vocabularySize'],
        message:
          "vocabularySize needs testVocabulary: closed (an open test is drawn before train's words exist)",
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

/** What a closed-vocabulary evaluation split may draw from (see generate). */
interface ClosedVocabulary {
  /** Every word of the train split. */
  words: ReadonlySet<string>;
  /** Phrase keys of the train split. */
  trainPhrases: ReadonlySet<string>;
}

/**
 * testVocabulary 'open' (the generator before closed splits existed, kept byte for byte): OOD, test,
 * valid, then train are drawn as distinct phrases, so with maxWords 1 no test word is ever a train
 * word and every model saturates near WER 1.
 *
 * testVocabulary 'closed': OOD as in 'open', then train, then test and valid drawn only from train's
 * words. A test phrase of two or more words is a phrase train does not contain (a new combination or
 * order of seen words); a one-word test item is a train word under a fresh noise draw, since no new
 * one-word phrase over seen words exists. Every prompt drawn after OOD (under the splits' dictionary)
 * is new, so no test or valid prompt is a train prompt, whichever pool it lands in. The number of words
 * of a closed item is fixed per output slot, so rejections (unseen words, repeats) do not skew the test
 * towards one-word items. Test therefore depends on trainSize; OOD never does. With vocabularySize,
 * train phrases use only the most frequent words, so each word recurs in many train phrases under many
 * noise draws: a model can learn the words rather than memorize each noisy prompt.
 */
function generate(o: PhoneticOptions, seed: number): TaskData {
  const rates = { subRate: o.subRate, delRate: o.delRate };
  const oodRates = { subRate: o.subRate * o.oodNoiseScale, delRate: o.delRate * o.oodNoiseScale };
  // The noise of an example depends only on its phrase, so profile variants see the same draws.
  const noiseRng = (split: string, p: Phrase) => streamRng(ID, seed, `noise:${split}:${phraseKey(p)}`);
  const closed = o.testVocabulary === 'closed';
  const seen = new Set<string>();
  // A one-word closed item repeats a train key by design, so closed test/valid dedup among themselves.
  const evalKeys = new Set<string>();
  /** Closed mode: prompts under o.dictionary of every split drawn so far. */
  const prompts = new Set<string>();
  const phrases = (
    split: string,
    count: number,
    ood: boolean,
    dictionaries: DictionaryId[],
    vocabulary?: ClosedVocabulary,
    allowed?: (w: string) => boolean,
  ) => {
    const rng = streamRng(ID, seed, split);
    const mustDiffer: boolean[] = [];
    const lengths: number[] = [];
    const keys = vocabulary ? evalKeys : seen;
    const newPrompts = closed && split !== 'ood';
    const out = drawUnique(ID, split, count, keys, (slot) => {
      // Decided once per output slot, so oversampling reaches the configured fraction.
      mustDiffer[slot] ??= rng.next() < o.differingFraction;
      if (vocabulary) lengths[slot] ??= rng.int(o.minWords, o.maxWords);
      const p = drawPhrase(rng, o, vocabulary && lengths[slot], allowed);
      if (!p) return undefined;
      const key = phraseKey(p);
      if (vocabulary) {
        if (!p.words.every((w) => vocabulary.words.has(w))) return undefined;
        if (p.words.length > 1 && vocabulary.trainPhrases.has(key)) return undefined;
      } else {
        const held = p.words.some((w) => isHeldOut(w, seed, o.oodWordFraction));
        if (held !== ood) return undefined;
      }
      // Oversampling phrases the two releases pronounce differently sharpens the teachers' conflict.
      if (mustDiffer[slot] && !p.words.some((w) => differsAcrossDictionaries(w, o.keepStress))) {
        return undefined;
      }
      let prompt = '';
      for (const d of dictionaries) {
        const ex = render(p, d, ood ? oodRates : rates, o, noiseRng(split, p));
        // A phrase whose every phone was deleted leaves nothing to transcribe.
        if (!ex.prompt || !fits(ex.prompt, ex.response, o.maxLength)) return undefined;
        if (d === o.dictionary) prompt = ex.prompt;
      }
      if (newPrompts) {
        if (keys.has(key) || prompts.has(prompt)) return undefined;
        prompts.add(prompt);
      }
      return { key, value: p };
    });
    if (closed && split === 'ood')
      for (const p of out) prompts.add(render(p, o.dictionary, oodRates, o, noiseRng(split, p)).prompt);
    return out;
  };
  const all = [...DICTIONARY_IDS];
  let train: Phrase[];
  let test: Phrase[];
  let valid: Phrase[];
  const ood = phrases('ood', o.oodSize, true, [o.dictionary]);
  if (closed) {
    const frequent = o.vocabularySize
      ? frequentVocabulary(o.vocabularySize, seed, o.oodWordFraction)
      : undefined;
    train = phrases('train', o.trainSize, false, all, undefined, frequent && ((w) => frequent.has(w)));
    const vocabulary = {
      words: new Set(train.flatMap((p) => p.words)),
      trainPhrases: new Set(train.map(phraseKey)),
    };
    try {
      const seenWord = (w: string) => vocabulary.words.has(w);
      test = phrases('test', o.testSize, false, [o.dictionary], vocabulary, seenWord);
      valid = phrases('valid', o.validSize, false, [o.dictionary], vocabulary, seenWord);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new UsageError(
        `${err.message} The closed-vocabulary test uses only the ${vocabulary.words.size} words of the ` +
          `${train.length} train phrases: raise trainSize (with pools: data sizes) or vocabularySize, lower ` +
          `testSize/validSize, or set testVocabulary: open.`,
        err.where,
      );
    }
  } else {
    // Evaluation splits are drawn first so resizing train never changes them.
    test = phrases('test', o.testSize, false, [o.dictionary]);
    valid = phrases('valid', o.validSize, false, [o.dictionary]);
    train = phrases('train', o.trainSize, false, all);
  }
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
    'Test (closed vocabulary, the default): new phrases over train words, and train words under new noise; no test prompt is a train prompt. ' +
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
    testVocabulary: {
      doc:
        'closed: test/valid use only train words, as new phrases (2+ words) or new noise (1 word), never a ' +
        'train prompt, and depend on trainSize; open: the generator before closed splits (test words may ' +
        'be unseen: with maxWords 1 none is seen), kept for old suites and baselines',
      range: 'closed | open',
    },
    vocabularySize: {
      doc:
        'closed only: train (hence test) phrases use only the this-many most frequent Brown words that are ' +
        'not held out, so words recur across phrases; 0 = every word',
      range: 'integer 0-100000',
    },
  },
  metrics: ['wer', 'cer', 'gold-nll'],
  profileNames: () => Object.keys(PROFILE_DICTIONARY),
  generate,
};
