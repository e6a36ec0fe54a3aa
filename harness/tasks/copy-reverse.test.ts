import { describe, expect, it } from 'vitest';
import { copyReverse as task } from './copy-reverse.ts';
import { parseTaskOptions } from './options.ts';

describe('copy-reverse', () => {
  const o = parseTaskOptions(task, {});
  const d = task.generate(o, 9);

  it('reverses lowercase strings of 3-8 letters in-domain and longer ones out of domain', () => {
    for (const split of ['train', 'valid', 'test'] as const) {
      for (const e of d.splits[split]) {
        expect(e.prompt).toMatch(/^[a-z]{3,8}$/);
        expect(e.response).toBe([...e.prompt].reverse().join(''));
      }
    }
    for (const e of d.splits.ood) {
      expect(e.prompt).toMatch(/^[a-z]{9,12}$/);
      expect(e.response).toBe([...e.prompt].reverse().join(''));
    }
    expect(task.profileNames(o)).toEqual([]);
    expect(d.profiles).toBeUndefined();
  });

  it('fails loudly when the options leave too few distinct strings', () => {
    const tight = parseTaskOptions(task, { alphabet: 'ab', minLetters: 3, maxLetters: 3, trainSize: 50 });
    expect(() => task.generate(tight, 1)).toThrow(/could only generate \d+ of \d+ distinct test examples/);
  });
});
