import { describe, expect, it } from 'vitest';
import { alignmentCodes } from './alignment.ts';
import { charAlignedTasks, embedJson, exampleData, naturalCompare } from './examples.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

describe('alignment codes', () => {
  it('marks equal, substituted, deleted and inserted words like WER counts them', () => {
    expect(alignmentCodes('the cat sat', 'the cat sat')).toBe('===');
    expect(alignmentCodes('the cat sat', 'the dog sat down')).toBe('=s=i');
    expect(alignmentCodes('the cat sat', 'cat sat')).toBe('d==');
    expect(alignmentCodes('', 'hello')).toBe('i');
    expect(alignmentCodes('hello', '')).toBe('d');
  });

  it('sends no codes when the page would split the words differently (jiwer: a lone tab joins words)', () => {
    expect(alignmentCodes('a\tb c', 'a b c')).toBeNull();
  });
});

describe('example browser data', () => {
  it('groups responses by prompt with the gold and teacher once, in technique order', () => {
    const run = syntheticRun({ examples: 4 });
    const ex = exampleData(run.examples);
    expect(ex.labels).toEqual(['none', 'hard-label', 'soft-label']);
    expect(ex.groups).toHaveLength(2 * 2 * 4); // seeds × splits × ids
    expect(ex.groups.every((g) => g[7].map((r) => r[0]).join() === '0,1,2')).toBe(true);
    expect(ex.cap).toBeNull();
    expect(ex.groups.map((g) => `${g[1]}:${g[2]}`).slice(0, 5)).toEqual([
      'test:1',
      'test:1',
      'test:1',
      'test:1',
      'test:2',
    ]);
  });

  it('sorts ids naturally (2 before 10)', () => {
    expect(['x/10', 'x/2', 'x/1'].sort(naturalCompare)).toEqual(['x/1', 'x/2', 'x/10']);
  });

  it('embeds JSON that cannot close its <script> element and parses back unchanged', () => {
    const value = { s: '</script><script>alert(1)</script> <!-- & \u2028 \u2029 >' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('character alignment (CER tasks)', () => {
  it('codes one step per character, like CER counts them', () => {
    // By hand: "kitten" → "sitting": k→s substituted, i t t equal, e→i substituted, n equal, g inserted.
    expect(alignmentCodes('kitten', 'sitting', 'char')).toBe('s===s=i');
    // "abc" → "ac": b deleted.
    expect(alignmentCodes('abc', 'ac', 'char')).toBe('=d=');
    // Spaces are characters too: "a b" → "ab" deletes the space.
    expect(alignmentCodes('a b', 'ab', 'char')).toBe('=d=');
  });

  it('sends no codes when jiwer strips what the page would walk (leading space)', () => {
    expect(alignmentCodes(' ab', 'ab', 'char')).toBeNull();
  });

  it('picks CER tasks from the rows: primary cer, or cer without wer', () => {
    const rows = [
      { task: 'spell', metric: 'cer' },
      { task: 'phon', metric: 'cer' },
      { task: 'phon', metric: 'wer' },
      { task: 'arith', metric: 'accuracy' },
    ];
    expect(charAlignedTasks(rows)).toEqual(['spell']);
    expect(charAlignedTasks(rows, (t) => (t === 'phon' ? 'cer' : null))).toEqual(['phon', 'spell']);
  });

  it('aligns a char task by character and others by word, and marks the teacher per prompt', () => {
    const base = { jobKey: 'j', student: 's', split: 'test', id: 'x/1', prompt: 'p', seed: 2 };
    const rows = [
      { ...base, task: 'spell', technique: 'none', reference: 'cat', response: 'cut', correct: false },
      { ...base, task: 'words', technique: 'none', reference: 'a cat', response: 'a cut', correct: false },
      // The teacher ran once, as seed 1: its row still marks seed 2's prompt.
      {
        ...base,
        seed: 1,
        task: 'spell',
        technique: 'teacher',
        reference: 'cat',
        response: 'cat',
        correct: true,
      },
    ];
    const ex = exampleData(rows, 300, ['spell']);
    expect(ex.charTasks).toEqual(['spell']);
    const spell2 = ex.groups.find((g) => g[0] === 'spell' && g[2] === 2)!;
    expect(spell2[7][0][3]).toBe('=s=');
    expect(spell2[8]).toBe(1);
    const words = ex.groups.find((g) => g[0] === 'words')!;
    expect(words[7][0][3]).toBe('=s');
    expect(words[8]).toBeNull();
  });
});
