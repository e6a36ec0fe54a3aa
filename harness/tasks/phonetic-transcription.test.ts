import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { countDifferingWords, loadDictionary, phonesOf } from './data/cmudict.ts';
import { parseTaskOptions } from './options.ts';
import { encodePhones } from './phones.ts';
import { frequentVocabulary, isHeldOut } from './phonetic-phrases.ts';
import { phoneticTranscription as task } from './phonetic-transcription.ts';
import { splitPools } from './pools.ts';
import type { Example, TaskData } from './types.ts';

const options = parseTaskOptions(task, {});
const data = task.generate(options, 11);

function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Phone edits per clean phone, over a split. */
function noiseRate(xs: Example[]): number {
  let edits = 0;
  let n = 0;
  for (const e of xs) {
    const clean = (e.meta.phones as string).split(' ');
    edits += editDistance(clean, (e.meta.noisyPhones as string).split(' ').filter(Boolean));
    n += clean.length;
  }
  return edits / n;
}

describe('phonetic-transcription', () => {
  it('finds the pronunciation differences between the pinned CMUdict releases', () => {
    // README.md#data-sources-and-licenses: 1,275 words in both releases differ in primary pronunciation (with stress).
    expect(countDifferingWords(true)).toBe(1275);
    expect(countDifferingWords(false)).toBe(1228);
  });

  it('builds prompts from the dictionary pronunciation through the noisy channel', () => {
    const dict = loadDictionary('cmu-3.0.0');
    for (const e of data.splits.test) {
      const words = e.meta.words as string[];
      expect(e.response).toBe(words.join(' '));
      expect(e.meta.phones).toBe(words.flatMap((w) => phonesOf(dict.get(w)!, false)).join(' '));
      expect(e.prompt).toBe(encodePhones((e.meta.noisyPhones as string).split(' ')));
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
    }
  });

  it('puts a word never seen in train into every OOD phrase, and adds more noise there', () => {
    const trainWords = new Set(data.splits.train.flatMap((e) => e.meta.words as string[]));
    for (const e of data.splits.ood)
      expect(
        (e.meta.words as string[]).some((w) => !trainWords.has(w)),
        e.response,
      ).toBe(true);
    const inDomain = noiseRate(data.splits.test);
    const ood = noiseRate(data.splits.ood);
    expect(inDomain).toBeGreaterThan(0.1);
    expect(inDomain).toBeLessThan(0.2);
    expect(ood).toBeGreaterThan(inDomain * 1.25);
  });

  it('pronounces train phrases with each profile its own release, with the same noise draws', () => {
    const fresh = data.profiles!['cmu-new'];
    const old = data.profiles!['cmu-old'];
    const stdlib = loadDictionary('stdlib-0.2.3');
    let differing = 0;
    fresh.forEach((e, i) => {
      const o = old[i];
      expect(o.meta.phones).toBe(
        (o.meta.words as string[]).flatMap((w) => phonesOf(stdlib.get(w)!, false)).join(' '),
      );
      if (e.meta.differsAcrossDictionaries) {
        differing++;
        expect(o.meta.phones).not.toBe(e.meta.phones);
      } else {
        expect(o.prompt).toBe(e.prompt);
      }
    });
    expect(differing).toBeGreaterThan(0);
    expect(fresh.map((e) => e.prompt)).toEqual(data.splits.train.map((e) => e.prompt));
  });

  it('oversamples phrases the releases disagree on when asked', () => {
    const o = parseTaskOptions(task, {
      differingFraction: 0.5,
      trainSize: 200,
      validSize: 0,
      testSize: 0,
      oodSize: 0,
    });
    const d = task.generate(o, 3);
    const share = d.splits.train.filter((e) => e.meta.differsAcrossDictionaries).length / 200;
    expect(share).toBeGreaterThan(0.4);
  });

  it('keeps stress digits and word boundaries when asked', () => {
    const o = parseTaskOptions(task, {
      keepStress: true,
      wordBoundaries: true,
      trainSize: 50,
      validSize: 0,
      testSize: 0,
      oodSize: 0,
      subRate: 0,
      delRate: 0,
    });
    for (const e of task.generate(o, 5).splits.train) {
      expect(e.prompt).toMatch(/[0-2]/);
      expect(e.prompt.split(' ')).toHaveLength((e.meta.words as string[]).length);
      expect(e.meta.phones).toBe(e.meta.noisyPhones);
    }
  });
});

const wordsOf = (xs: Example[]) => xs.flatMap((e) => e.meta.words as string[]);
const sha256 = (d: TaskData) => createHash('sha256').update(JSON.stringify(d)).digest('hex');

/** The options of suites/default.yaml's phonetic task, its pools' train size and data seed 1. */
const DEFAULT_SUITE = {
  trainSize: 1500,
  validSize: 0,
  testSize: 150,
  oodSize: 150,
  maxWords: 3,
  maxLength: 40,
  vocabularySize: 400,
};

describe('phonetic-transcription closed-vocabulary test split', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['task defaults', {}, 11],
    ['default suite', DEFAULT_SUITE, 1],
    ['default suite, one word, every word', { ...DEFAULT_SUITE, maxWords: 1, vocabularySize: 0 }, 1],
    ['default suite, every word', { ...DEFAULT_SUITE, vocabularySize: 0 }, 1],
    [
      'valid split, boundaries, stress',
      { trainSize: 300, validSize: 40, testSize: 60, oodSize: 40, wordBoundaries: true, keepStress: true },
      3,
    ],
  ];
  const generated = cases.map(([name, raw, seed]) => {
    const o = parseTaskOptions(task, raw);
    return { name, o, seed, d: task.generate(o, seed) };
  });

  it.each(generated)('$name: every test and valid word occurs in train', ({ d }) => {
    const train = new Set(wordsOf(d.splits.train));
    for (const e of [...d.splits.test, ...d.splits.valid])
      for (const w of e.meta.words as string[]) expect(train.has(w), `${e.id} '${w}'`).toBe(true);
  });

  it.each(generated)('$name: no test or valid prompt is a train prompt; longer phrases are new', ({ d }) => {
    const trainPrompts = new Set(d.splits.train.map((e) => e.prompt));
    const trainPhrases = new Set(d.splits.train.map((e) => e.response));
    const evaluation = [...d.splits.test, ...d.splits.valid];
    for (const e of evaluation) {
      expect(trainPrompts.has(e.prompt), e.id).toBe(false);
      // A one-word item can only be a seen word under new noise; two or more words make a new phrase.
      if ((e.meta.words as string[]).length > 1) expect(trainPhrases.has(e.response), e.id).toBe(false);
    }
    expect(new Set(evaluation.map((e) => e.prompt)).size).toBe(evaluation.length);
  });

  it.each(generated)("$name: OOD keeps unseen words, and is the open generator's OOD", ({ o, seed, d }) => {
    const train = new Set(wordsOf(d.splits.train));
    const heldOut = (w: string) => isHeldOut(w, seed, o.oodWordFraction);
    for (const w of train) expect(heldOut(w), w).toBe(false);
    for (const e of d.splits.ood) {
      const ws = e.meta.words as string[];
      expect(ws.some(heldOut), e.response).toBe(true);
      if (o.maxWords === 1) expect(train.has(ws[0]), e.response).toBe(false);
    }
    const open = task.generate({ ...o, testVocabulary: 'open' }, seed);
    expect(JSON.stringify(open.splits.ood)).toBe(JSON.stringify(d.splits.ood));
  });

  it('is deterministic in (options, seed)', () => {
    const { o, seed, d } = generated[1];
    expect(sha256(task.generate(o, seed))).toBe(sha256(d));
    expect(sha256(task.generate(o, seed + 1))).not.toBe(sha256(d));
  });

  it("'open' reproduces the generator before closed splits existed, byte for byte", () => {
    // Hashes of task.generate's JSON captured from commit 1306edc (before testVocabulary existed).
    const before: [Record<string, unknown>, number, string][] = [
      [{}, 11, '8928afcb35629464816d847c680ec9af072ff1c9de1e4288b018dcfd61674bfc'],
      [
        { trainSize: 1500, validSize: 0, testSize: 150, oodSize: 150, maxWords: 1, maxLength: 40 },
        1,
        '8d4af5e82fe9bde361a75cb8e8b6845758e847eee37063227e83cc4174b7ce01',
      ],
      [
        {
          trainSize: 120,
          validSize: 30,
          testSize: 40,
          oodSize: 40,
          wordBoundaries: true,
          keepStress: true,
          differingFraction: 0.3,
        },
        3,
        '7e9bdc4694ba778f96aa4729fb096e80b3bdbf45089828736d806b0bcd39f4a8',
      ],
    ];
    for (const [raw, seed, hash] of before)
      expect(sha256(task.generate(parseTaskOptions(task, { ...raw, testVocabulary: 'open' }), seed))).toBe(
        hash,
      );
  });

  it('open test words with one-word phrases never occur in train (why closed exists)', () => {
    const o = parseTaskOptions(task, {
      ...DEFAULT_SUITE,
      maxWords: 1,
      vocabularySize: 0,
      testVocabulary: 'open',
    });
    const d = task.generate(o, 1);
    const train = new Set(wordsOf(d.splits.train));
    expect(wordsOf(d.splits.test).filter((w) => train.has(w))).toEqual([]);
  });

  it.each([
    [1, 0.937, 0.651],
    [2, 0.687, 0.052],
    [3, 0.88, 0.485],
  ])(
    "covers case %i's test words from the teacher and labelled pools (docs/data-pools.md)",
    (c, teacher, labelled) => {
      // Shares of test word tokens found in each pool at the default suite's data {teacher 800,
      // labelled 100, transfer 600}, data seed 1; the labelled pool is a per-student-seed cut, so it is
      // averaged over seeds 1-5. Case 1 is suites/default.yaml (1-3 words of the 400 most frequent),
      // case 2 one word of any frequency, case 3 1-3 words of any frequency.
      const { d } = generated[c];
      const test = wordsOf(d.splits.test);
      const share = (pool: Example[]) => {
        const ws = new Set(wordsOf(pool));
        return test.filter((w) => ws.has(w)).length / test.length;
      };
      const spec = { teacher: 800, labelled: 100, transfer: 600, seed: 1 };
      const pools = [1, 2, 3, 4, 5].map((s) => splitPools(d, spec, s));
      expect(share(pools[0].teacher)).toBeCloseTo(teacher, 3);
      expect(pools.reduce((sum, p) => sum + share(p.labelled), 0) / pools.length).toBeCloseTo(labelled, 3);
      expect(share(d.splits.train)).toBe(1);
    },
  );
});

describe('phonetic-transcription closed-vocabulary bad input', () => {
  it('names the train vocabulary and the fixes when train is too small for the test', () => {
    const o = parseTaskOptions(task, { trainSize: 5, validSize: 0, testSize: 200, oodSize: 0 });
    let err: unknown;
    try {
      task.generate(o, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).where?.field).toBe('options.testSize');
    expect((err as Error).message).toMatch(
      /of 200 distinct test examples.*words of the 5 train phrases.*testVocabulary: open/,
    );
  });
});

describe('phonetic-transcription vocabularySize', () => {
  it("takes Brown's most frequent words (Kucera & Francis 1967: the, of, and, to, a, in)", () => {
    expect([...frequentVocabulary(6, 1, 0.15)].sort()).toEqual(['a', 'and', 'in', 'of', 'the', 'to']);
  });

  it('draws train and test only from that vocabulary, each word in several train phrases', () => {
    const o = parseTaskOptions(task, { ...DEFAULT_SUITE, trainSize: 600, vocabularySize: 100 });
    const d = task.generate(o, 1);
    const top = frequentVocabulary(100, 1, o.oodWordFraction);
    const train = wordsOf(d.splits.train);
    for (const w of [...train, ...wordsOf(d.splits.test)]) expect(top.has(w), w).toBe(true);
    const counts = new Map<string, number>();
    for (const w of train) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(train.length / counts.size).toBeGreaterThan(10);
  });

  it('is refused with an open test, whose split is drawn before train', () => {
    expect(() => parseTaskOptions(task, { vocabularySize: 50, testVocabulary: 'open' })).toThrow(
      /vocabularySize needs testVocabulary: closed/,
    );
  });
});
