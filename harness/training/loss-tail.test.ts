import { describe, expect, it } from 'vitest';
import { leastSquares, lossTail, lossTailWarning } from './loss-tail.ts';

const line = (from: number, to: number, f: (s: number) => number): [number, number][] =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, f(from + i)]);

describe('loss-tail slope', () => {
  it('least squares recovers a line exactly', () => {
    const r = leastSquares([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(r.slope).toBeCloseTo(2, 12);
    expect(r.intercept).toBeCloseTo(1, 12);
  });

  it('fits only the last 10% of the steps: a line there gives its slope per 100 steps', () => {
    // Steps 0-100: the tail is steps 90-100 on 2 − 0.01·(s − 90); the prefix (a flat 10) is ignored.
    const curve = line(0, 100, (s) => (s < 90 ? 10 : 2 - 0.01 * (s - 90)));
    const t = lossTail(curve)!;
    expect(t.slopePer100).toBeCloseTo(-1, 10);
    expect(t.finalLoss).toBeCloseTo(1.9, 10);
    expect([t.fromStep, t.toStep, t.points]).toEqual([90, 100, 11]);
    // 0.01/step × 100 steps = 1.0 > 10% of 1.9.
    expect(t.fallingFast).toBe(true);
    expect(lossTailWarning(t)).toMatch(
      /slope -1\.0000 per 100 steps over steps 90-100.*Fix: raise training\.steps/,
    );
  });

  it('calls falling fast relative to the final loss, on either side of 10%', () => {
    // Final loss 1.0 at step 100; the run-long drop is slope × 100.
    const below = lossTail(line(0, 100, (s) => 1 + 0.00099 * (100 - s)))!;
    expect(below.finalLoss).toBeCloseTo(1, 10);
    expect(below.fallingFast).toBe(false); // drop 0.099 < 0.1
    expect(lossTail(line(0, 100, (s) => 1 + 0.00101 * (100 - s)))!.fallingFast).toBe(true); // 0.101
    // The same absolute slope is slow at a high loss level.
    expect(lossTail(line(0, 100, (s) => 20 + 0.00101 * (100 - s)))!.fallingFast).toBe(false);
    const flat = lossTail(line(0, 100, () => 2))!;
    expect(flat.slopePer100).toBeCloseTo(0, 12);
    expect(flat.fallingFast).toBe(false);
    // A rising tail is not falling.
    expect(lossTail(line(0, 100, (s) => 1 + 0.01 * s))!.fallingFast).toBe(false);
  });

  it('needs a drop above 0.05 loss units outright: a near-zero memorizing loss is not flagged', () => {
    // Final loss 0.01, run-long drop 0.04: 400% of the loss but under the 0.05 floor.
    expect(lossTail(line(0, 100, (s) => 0.01 + 0.0004 * (100 - s)))!.fallingFast).toBe(false);
    // Final loss 0.01, run-long drop 0.06: over both.
    expect(lossTail(line(0, 100, (s) => 0.01 + 0.0006 * (100 - s)))!.fallingFast).toBe(true);
  });

  it('works on a subsampled curve (every 3rd step, as JobRecord.curve)', () => {
    const curve = line(0, 300, (s) => 3 - 0.002 * s).filter(([s]) => s % 3 === 0);
    const t = lossTail(curve)!;
    expect(t.slopePer100).toBeCloseTo(-0.2, 10);
    expect(t.fromStep).toBe(270);
  });

  it('is undefined when the tail has fewer than 2 steps or a loss is missing', () => {
    expect(lossTail([])).toBeUndefined();
    expect(lossTail([[0, 1]])).toBeUndefined();
    expect(
      lossTail([
        [0, 2],
        [10, 1],
      ]),
    ).toBeUndefined();
    expect(
      lossTail([
        [0, 2],
        [9, 1],
        [10, null],
      ]),
    ).toBeUndefined();
  });
});
