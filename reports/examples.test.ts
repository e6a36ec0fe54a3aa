import { describe, expect, it } from 'vitest';
import { alignmentCodes } from './alignment.ts';
import { embedJson, exampleData, naturalCompare } from './examples.ts';
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
