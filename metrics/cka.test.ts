import fc from 'fast-check';
import { sampleCorrelation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { Rng } from '../harness/engine/rng.ts';
import { ckaValues, debiasedLinearCka, linearCka, rowsFromFlat } from './cka.ts';

const num = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
// Gaussian matrices from a seed: fast-check's shrinking of raw doubles drifts to all-zero rows, where
// CKA is 0/0 and nothing is being tested.
const matrix = (n: number, p: number) =>
  fc.integer().map((seed) => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => Array.from({ length: p }, () => rng.normal()));
  });

function colVariance(X: number[][]): number {
  let s = 0;
  for (let j = 0; j < X[0].length; j++) {
    const col = X.map((r) => r[j]);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    s += col.reduce((a, b) => a + (b - m) ** 2, 0);
  }
  return s;
}
const informative = (n: number, p: number) => matrix(n, p).filter((X) => colVariance(X) > 1e-3);

/** Orthonormal p×p matrix by Gram-Schmidt on a random square matrix (null if near-singular). */
function orthonormal(A: number[][]): number[][] | null {
  const Q: number[][] = [];
  for (const v of A) {
    const u = [...v];
    for (const q of Q) {
      const d = u.reduce((s, x, i) => s + x * q[i], 0);
      for (let i = 0; i < u.length; i++) u[i] -= d * q[i];
    }
    const norm = Math.hypot(...u);
    if (norm < 1e-3) return null;
    Q.push(u.map((x) => x / norm));
  }
  return Q;
}
const times = (X: number[][], Q: number[][]) =>
  X.map((r) => Q[0].map((_, j) => r.reduce((s, x, i) => s + x * Q[i][j], 0)));

/**
 * Reference debiased CKA written the way Kornblith's notebook does it
 * (google-research/representation_similarity/Demo.ipynb: gram_linear, center_gram(unbiased=True),
 * then ⟨K̃,L̃⟩_F / (‖K̃‖_F ‖L̃‖_F)), an algorithm independent of the sums in cka.ts.
 */
function notebookDebiasedCka(X: number[][], Y: number[][]): number {
  const centerGram = (Z: number[][]) => {
    const n = Z.length;
    const g = Z.map((a, i) => Z.map((b, j) => (i === j ? 0 : a.reduce((s, x, k) => s + x * b[k], 0))));
    const means = g.map((row) => row.reduce((a, b) => a + b, 0) / (n - 2));
    const shift = means.reduce((a, b) => a + b, 0) / (2 * (n - 1));
    return g.map((row, i) => row.map((v, j) => (i === j ? 0 : v - (means[i] - shift) - (means[j] - shift))));
  };
  const inner = (A: number[][], B: number[][]) =>
    A.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * B[i][j], 0), 0);
  const gx = centerGram(X);
  const gy = centerGram(Y);
  return inner(gx, gy) / Math.sqrt(inner(gx, gx) * inner(gy, gy));
}

describe('linear CKA', () => {
  it('CKA(X, X) = 1', () => {
    fc.assert(
      fc.property(informative(6, 3), (X) => {
        expect(linearCka(X, X)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('is invariant to orthogonal transforms and isotropic scaling (Kornblith et al. 2019, §3)', () => {
    fc.assert(
      fc.property(
        informative(8, 3),
        informative(8, 2),
        matrix(3, 3),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (X, Y, A, c) => {
          const Q = orthonormal(A);
          fc.pre(Q !== null);
          const base = linearCka(X, Y);
          expect(linearCka(times(X, Q!), Y)).toBeCloseTo(base, 8);
          expect(
            linearCka(
              X.map((r) => r.map((x) => c * x)),
              Y,
            ),
          ).toBeCloseTo(base, 8);
        },
      ),
    );
  });

  it('equals the squared Pearson correlation for 1-D inputs (docs/methodology.md#homogenization-and-cka)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num), { minLength: 3, maxLength: 12 }), (pairs) => {
        const x = pairs.map((p) => p[0]);
        const y = pairs.map((p) => p[1]);
        fc.pre(colVariance(x.map((v) => [v])) > 1e-3 && colVariance(y.map((v) => [v])) > 1e-3);
        expect(
          linearCka(
            x.map((v) => [v]),
            y.map((v) => [v]),
          ),
        ).toBeCloseTo(sampleCorrelation(x, y) ** 2, 9);
      }),
    );
  });

  it('the Gram path (p > n) agrees with the feature path', () => {
    // Same data padded with zero columns to p = 40 > n = 5: the value cannot change, the code path does.
    const X = [
      [1, 2],
      [0, 1],
      [3, 1],
      [2, 2],
      [1, 0],
    ];
    const Y = [[0.5], [1], [2], [-1], [0]];
    const pad = (Z: number[][]) => Z.map((r) => [...r, ...new Array(40).fill(0)]);
    expect(linearCka(pad(X), pad(Y))).toBeCloseTo(linearCka(X, Y), 12);
    expect(debiasedLinearCka(pad(X), pad(Y))).toBeCloseTo(debiasedLinearCka(X, Y), 12);
  });

  it('constant input gives NaN, mismatched rows throw', () => {
    expect(linearCka([[1], [1], [1]], [[1], [2], [3]])).toBeNaN();
    expect(() => linearCka([[1], [2]], [[1]])).toThrow(/same positions/);
  });
});

describe('debiased CKA', () => {
  it('hand case x = [1,2,3,4], y = [1,2,4,3] gives 23/26', () => {
    // n = 4, so n(n-3) = 4, (n-1)(n-2) = 6, 2/(n-2) = 1. K_ij = x_i x_j, L_ij = y_i y_j.
    // tr(K̃L̃) = (Σx_i y_i)² - Σx_i²y_i² = 29² - 305 = 536;  1ᵀK̃1 = 1ᵀL̃1 = 10² - 30 = 70;
    // 1ᵀK̃L̃1 = Σ x_i(10 - x_i) y_i(10 - y_i) = 81 + 256 + 504 + 504 = 1345
    //   → 4·HSIC(K,L) = 536 + 4900/6 - 1345 = 23/3.
    // tr(K̃K̃) = 30² - Σx⁴ = 900 - 354 = 546;  1ᵀK̃K̃1 = Σ (x_i(10 - x_i))² = 81 + 256 + 441 + 576 = 1354
    //   → 4·HSIC(K,K) = 546 + 4900/6 - 1354 = 26/3; the same for L (y is a permutation of x).
    // dCKA = (23/3) / (26/3) = 23/26.
    expect(debiasedLinearCka([[1], [2], [3], [4]], [[1], [2], [4], [3]])).toBeCloseTo(23 / 26, 12);
  });

  it("matches the reference notebook's unbiased centering", () => {
    fc.assert(
      fc.property(informative(7, 3), informative(7, 2), (X, Y) => {
        const ref = notebookDebiasedCka(X, Y);
        fc.pre(Number.isFinite(ref));
        expect(debiasedLinearCka(X, Y)).toBeCloseTo(ref, 7);
      }),
    );
  });

  it('needs n >= 4', () => {
    expect(() => debiasedLinearCka([[1], [2], [3]], [[1], [2], [3]])).toThrow(/at least 4/);
  });
});

describe('subsampling and signatures', () => {
  it('uses at most maxRows seeded rows and records it', () => {
    const X = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i % 7]);
    const Y = X.map(([a, b, c]) => [2 * a - c, b]);
    const vals = ckaValues(X, Y, { maxRows: 20, seed: 5 });
    // The row count depends on the data, so it is a detail, not part of the signature: two seeds of
    // one run must share a signature for the gate to compare them.
    expect(vals.map((v) => v.signature)).toEqual([
      'cka|linear|debiased:0|maxRows:20|seed:5',
      'cka|linear|debiased:1|maxRows:20|seed:5',
    ]);
    expect(vals.map((v) => v.detail?.rows)).toEqual([20, 20]);
    expect(vals[0].value).toBe(linearCka(X, Y, { maxRows: 20, seed: 5 }));
    expect(vals[0].value).not.toBe(linearCka(X, Y));
    // A rotated copy is perfectly similar whichever rows are drawn.
    expect(
      linearCka(
        X,
        X.map(([a, b, c]) => [b, -a, c]),
        { maxRows: 10, seed: 9 },
      ),
    ).toBeCloseTo(1, 12);
  });

  it('rowsFromFlat splits row-major arrays', () => {
    expect(rowsFromFlat(Float32Array.from([1, 2, 3, 4, 5, 6]), 3)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});
