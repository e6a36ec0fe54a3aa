import { describe, expect, it } from 'vitest';
import { countDifferingWords, loadDictionary, phonesOf } from './data/cmudict.ts';
import { parseTaskOptions } from './options.ts';
import { encodePhones } from './phones.ts';
import { phoneticTranscription as task } from './phonetic-transcription.ts';
import type { Example } from './types.ts';

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
    // data.md §1.2: 1,275 words in both releases differ in primary pronunciation (with stress).
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
