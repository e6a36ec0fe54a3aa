import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.ts';
import { CONFUSION_GROUPS, encodePhones, noisyChannel, PHONE_CHAR } from './phones.ts';

const PHONES = Object.keys(PHONE_CHAR);

describe('phone table', () => {
  it('maps the 39 ARPABET phones to distinct printable, non-digit, non-space characters', () => {
    expect(PHONES).toHaveLength(39);
    const chars = Object.values(PHONE_CHAR);
    expect(new Set(chars).size).toBe(39);
    for (const c of chars) expect(c).toMatch(/^[!-/:-~]$/);
  });

  it('partitions the phones into confusion groups of two or more', () => {
    const flat = CONFUSION_GROUPS.flat();
    expect(flat.slice().sort()).toEqual(PHONES.slice().sort());
    for (const g of CONFUSION_GROUPS) expect(g.length).toBeGreaterThanOrEqual(2);
  });

  it('encodes phones one character each, stress digits passing through', () => {
    expect(encodePhones(['DH', 'AH0', 'K', 'AE1', 'T'])).toBe('du0Kx1T');
    expect(encodePhones(['NG', 'SH', 'ZH', 'TH'])).toBe('gszt');
    expect(() => encodePhones(['QQ'])).toThrow(/unknown ARPABET phone/);
  });
});

describe('noisy channel', () => {
  const rng = new Rng(7);
  const input = Array.from({ length: 10_000 }, () => rng.pick(PHONES));

  it.each([
    [0.1, 0.05],
    [0.3, 0.2],
    [0.02, 0.4],
    [0, 0],
  ])('measures substitution %f and deletion %f within 1%% absolute on 10k phones', (subRate, delRate) => {
    const out = noisyChannel(input, { subRate, delRate }, new Rng(`channel:${subRate}:${delRate}`));
    const count = (op: string) => out.ops.filter((o) => o === op).length / input.length;
    expect(Math.abs(count('sub') - subRate)).toBeLessThan(0.01);
    expect(Math.abs(count('del') - delRate)).toBeLessThan(0.01);
    expect(out.phones).toHaveLength(input.length - out.ops.filter((o) => o === 'del').length);
  });

  it('substitutes only within a confusion group and never with the same phone', () => {
    const out = noisyChannel(input, { subRate: 1, delRate: 0 }, new Rng(3));
    const groupOf = new Map(CONFUSION_GROUPS.flatMap((g) => g.map((p) => [p, g] as const)));
    out.phones.forEach((p, i) => {
      expect(p).not.toBe(input[i]);
      expect(groupOf.get(input[i])).toContain(p);
    });
  });

  it('keeps the stress digit of a substituted vowel', () => {
    const out = noisyChannel(['IY1', 'IY0', 'EH2'], { subRate: 1, delRate: 0 }, new Rng(1));
    expect(out.phones.map((p) => p.slice(-1))).toEqual(['1', '0', '2']);
  });
});
