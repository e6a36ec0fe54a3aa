import { describe, expect, it } from 'vitest';
import { profilesDisagree, supervisionConflict } from './conflict.ts';

const afterHash = (s: string) => (s.split('#').pop() ?? '').trim();

describe('knowledge conflict', () => {
  it('flags an example whose profile answers differ', () => {
    expect(profilesDisagree({ a: '4', b: '4' })).toBe(false);
    expect(profilesDisagree({ a: '4', b: '5' })).toBe(true);
    expect(profilesDisagree(undefined)).toBeUndefined();
  });
  it('counts supervision answers that contradict gold, over rows with a gold example', () => {
    // Hand count: e1 agrees (5 = 5), e2 contradicts (6 ≠ 7), e3 agrees, e9 has no gold (left out) → 1/3.
    const gold = [
      { id: 'e1', response: 'x # 5' },
      { id: 'e2', response: 'y # 7' },
      { id: 'e3', response: 'z # 1' },
    ];
    const sup = [
      { id: 'e1', response: 'other # 5' },
      { id: 'e2', response: 'y # 6' },
      { id: 'e3', response: '#1' },
      { id: 'e9', response: '# 2' },
    ];
    const v = supervisionConflict(sup, gold, afterHash, 'hash');
    expect(v.value).toBeCloseTo(1 / 3, 12);
    expect(v.detail).toEqual({ examples: 3, contradicting: 1 });
    expect(v.signature).toBe('conflict-supervision|vs:gold|extract:hash|v1');
    expect(supervisionConflict([], gold, afterHash, 'hash').value).toBe(0);
  });
});
