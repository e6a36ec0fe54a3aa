import { describe, expect, it } from 'vitest';
import { parseTaskOptions, taskRegistry } from './index.ts';
import type { Example, TaskData } from './types.ts';

/** Contract checks every registered task must pass with its default options. */

const all = (d: TaskData): Example[] => [
  ...Object.values(d.splits).flat(),
  ...Object.values(d.profiles ?? {}).flat(),
  ...Object.values(d.extra ?? {}).flat(),
];

/** What makes two in-domain examples "the same item" for each task (used for split disjointness). */
const itemKey: Record<string, (e: Example) => string | undefined> = {
  // The closed-vocabulary test reuses train words (a one-word item is a train word under new noise), so
  // an item is its noisy prompt; harness/tasks/phonetic-transcription.test.ts checks phrases.
  'phonetic-transcription': (e) => e.prompt,
  'arithmetic-rationales': (e) => e.prompt,
  identity: (e) => e.meta.lemma as string | undefined, // identity questions repeat on purpose
  'copy-reverse': (e) => e.prompt,
};

// The file task reads a user's data, not generated data: test/tasks/file-task.test.ts covers it.
describe.each(taskRegistry.ids().filter((id) => id !== 'file'))('task %s', (id) => {
  const task = taskRegistry.get(id);
  const options = parseTaskOptions(task, {}) as any;
  const data = task.generate(options, 1);

  it('is a pure function of (options, seed)', () => {
    expect(JSON.stringify(task.generate(options, 1))).toBe(JSON.stringify(data));
    expect(JSON.stringify(task.generate(options, 2))).not.toBe(JSON.stringify(data));
  });

  it('has every split at its configured size, with unique ids across splits, profiles and extras', () => {
    expect(data.splits.train).toHaveLength(options.trainSize);
    expect(data.splits.valid).toHaveLength(options.validSize);
    expect(data.splits.test).toHaveLength(options.testSize);
    expect(data.splits.ood).toHaveLength(options.oodSize);
    const ids = all(data).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of data.splits.test) expect(e.id).toMatch(new RegExp(`^${id}/test/\\d+$`));
  });

  it('keeps every example printable ASCII and within maxLength', () => {
    for (const e of all(data)) {
      expect(e.prompt.length, e.id).toBeGreaterThan(0);
      expect(e.response.length, e.id).toBeGreaterThan(0);
      expect(e.prompt + e.response, e.id).toMatch(/^[\x20-\x7e]+$/);
      expect(e.prompt.length + e.response.length, e.id).toBeLessThanOrEqual(options.maxLength);
    }
  });

  it('keeps train, valid, test and ood items disjoint', () => {
    const keys = Object.values(data.splits).map((xs) => xs.map(itemKey[id]).filter((k) => k !== undefined));
    const seen = new Set<string>();
    for (const ks of keys) {
      for (const k of new Set(ks)) {
        expect(seen.has(k!), k).toBe(false);
        seen.add(k!);
      }
    }
  });

  it('gives one profile per profile name, each a variant of the train split item by item', () => {
    const names = task.profileNames(options);
    expect(Object.keys(data.profiles ?? {})).toEqual(names);
    // Phonetic profiles pronounce the same phrases differently; the others re-answer the same prompts.
    const same = (e: Example) => (id === 'phonetic-transcription' ? e.response : e.prompt);
    for (const name of names) expect(data.profiles![name].map(same)).toEqual(data.splits.train.map(same));
  });

  it('does not change evaluation splits when only the train size changes', () => {
    // A closed-vocabulary phonetic test is drawn from train's words, so it follows train by design
    // (its OOD is the open one: harness/tasks/phonetic-transcription.test.ts).
    const o = id === 'phonetic-transcription' ? { ...options, testVocabulary: 'open' } : options;
    const full = o === options ? data : task.generate(o, 1);
    const smaller = task.generate({ ...o, trainSize: 10 }, 1);
    expect(JSON.stringify(smaller.splits.test)).toBe(JSON.stringify(full.splits.test));
    expect(JSON.stringify(smaller.splits.ood)).toBe(JSON.stringify(full.splits.ood));
  });
});
