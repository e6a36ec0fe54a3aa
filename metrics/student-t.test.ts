import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regularizedIncompleteBeta, studentTCdf, studentTQuantile, studentTTwoSided } from './student-t.ts';

describe('Student t distribution', () => {
  // Two-sided 95% critical values from any printed t table (e.g. Montgomery & Runger, Table V).
  it.each([
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [9, 2.262],
    [29, 2.045],
  ])('t_{0.975, df=%i} = %f (textbook table)', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 3);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-expected, 3);
  });

  it('t_{0.995} from the same table (df 3: 5.841, df 10: 3.169)', () => {
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.841, 3);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169, 3);
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (t) => {
        // df=1: F(t) = 1/2 + atan(t)/π;  df=2: F(t) = 1/2 + t / (2 sqrt(2 + t²)).
        expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
        expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
      }),
    );
  });

  it('quantile inverts the CDF', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (p, df) => {
          expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 9);
        },
      ),
    );
  });

  it('two-sided tail: 0 at infinity, 1 at t = 0', () => {
    expect(studentTTwoSided(0, 5)).toBe(1);
    expect(studentTTwoSided(Number.POSITIVE_INFINITY, 5)).toBe(0);
  });

  it('incomplete beta: I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 13);
    expect(regularizedIncompleteBeta(0.7, 3, 1)).toBeCloseTo(0.343, 13);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});
