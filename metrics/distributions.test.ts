import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, jsDivergence, probRowsFromLogProbs } from './distributions.ts';

const dist = (k: number) =>
  fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k })
    .filter((xs) => xs.some((x) => x > 1e-6));

describe('Jensen-Shannon divergence (nats)', () => {
  it('disjoint supports give ln 2, identical give 0', () => {
    // M = (½, ½): KL([1,0] ‖ M) = ln 2, same for the other side → JSD = ln 2.
    expect(jsDivergence([1, 0], [0, 1])).toBeCloseTo(Math.LN2, 15);
    expect(jsDivergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
  });

  it('hand case P = (½, ½), Q = (1, 0)', () => {
    // M = (¾, ¼). KL(P‖M) = ½ln(2/3) + ½ln 2; KL(Q‖M) = ln(4/3).
    const expected = 0.5 * (0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) + 0.5 * Math.log(4 / 3);
    expect(jsDivergence([0.5, 0.5], [1, 0])).toBeCloseTo(expected, 14);
    expect(expected).toBeCloseTo(0.2157615543, 9);
  });

  it('is symmetric and bounded by ln 2', () => {
    fc.assert(
      fc.property(dist(5), dist(5), (p, q) => {
        const d = jsDivergence(p, q);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.LN2 + 1e-12);
        expect(jsDivergence(q, p)).toBeCloseTo(d, 12);
      }),
      // Found by fast-check: a subnormal p_i once made the mixture underflow to 0 and JSD Infinity.
      {
        examples: [
          [
            [0, 5e-324, 0, 0, 2 / 3],
            [0, 0, 0, 1e-6, 0],
          ],
        ],
      },
    );
  });

  it('rejects mismatched or invalid vectors', () => {
    expect(() => jsDivergence([1], [0.5, 0.5])).toThrow(/differ in size/);
    expect(() => jsDivergence([0, 0], [0.5, 0.5])).toThrow(/sums to 0/);
    expect(() => jsDivergence([-0.1, 1.1], [0.5, 0.5])).toThrow(/>= 0/);
  });
});

describe('helpers', () => {
  it('argmax breaks ties to the lowest index', () => {
    expect(argmax([0.1, 0.4, 0.4, 0.1])).toBe(1);
  });

  it('log-prob rows become probability rows', () => {
    const rows = probRowsFromLogProbs(Float32Array.from([Math.log(0.25), Math.log(0.75), 0, -Infinity]), 2);
    expect(rows[0][0]).toBeCloseTo(0.25, 6);
    expect(rows[1]).toEqual([1, 0]);
  });
});
