import { beforeAll, describe, expect, it } from 'vitest';
import {
  selfTestFusedAdam,
  selfTestFusedGelu,
  selfTestFusedLayerNorm,
  selfTestFusedSoftmax,
} from '../../training/fused-self-test.ts';
import { loadBackend } from '../backend.ts';
import { selfTestFastKernels } from '../fast-kernels.ts';
import { ptr } from '../kernel-override.ts';
import { Rng } from '../rng.ts';
import { tf } from '../tf.ts';
import { type SimdKernels, simdCalls, simdKernels } from './heap.ts';

let k: SimdKernels;
const rng = new Rng(3);
const rand = (n: number, mean = 0) => Float32Array.from({ length: n }, () => mean + rng.normal());
const p = (t: tf.Tensor) => ptr(tf.backend(), t);

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
  const found = simdKernels(tf.backend());
  // The single-threaded build's memory is not shared: here the wasm path must be taken, never the JS fallback.
  expect(found).toBeDefined();
  k = found as SimdKernels;
});

/** Max |got − want| relative to max |want| (the self-tests' measure). */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let scale = 1e-6;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

const sizes = [1, 3, 5, 13, 128].flatMap((D) => [1, 7, 64].map((rows) => [rows, D]));

describe('wasm SIMD kernels against float64 references', () => {
  it.each(sizes)('sum over %i rows of %i', (rows, D) => {
    const x = rand(rows * D);
    const want = new Float64Array(D);
    for (let r = 0; r < rows; r++) for (let j = 0; j < D; j++) want[j] += x[r * D + j];
    tf.tidy(() => {
      const [xt, out] = [tf.tensor(x), tf.fill([D], Number.NaN)];
      k.sum(p(xt), p(out), rows, D);
      expect(relErr(out.dataSync(), want)).toBeLessThan(1e-6);
    });
  });

  it.each(sizes)('layer norm forward and backward, %i rows of %i', (rows, D) => {
    const [x, g, b, dy] = [rand(rows * D, 3), rand(D, 1), rand(D), rand(rows * D)];
    const eps = 1e-5;
    const [y, mean, rstd, dx] = [
      new Float64Array(rows * D),
      new Float64Array(rows),
      new Float64Array(rows),
      new Float64Array(rows * D),
    ];
    const [dg, db] = [new Float64Array(D), new Float64Array(D)];
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let [s, ss, sA, sAX] = [0, 0, 0, 0];
      for (let j = 0; j < D; j++) s += x[o + j];
      const mu = s / D;
      for (let j = 0; j < D; j++) ss += (x[o + j] - mu) ** 2;
      const rs = 1 / Math.sqrt(ss / D + eps);
      [mean[r], rstd[r]] = [mu, rs];
      for (let j = 0; j < D; j++) {
        const xh = (x[o + j] - mu) * rs;
        y[o + j] = xh * g[j] + b[j];
        sA += dy[o + j] * g[j];
        sAX += dy[o + j] * g[j] * xh;
        dg[j] += dy[o + j] * xh;
        db[j] += dy[o + j];
      }
      for (let j = 0; j < D; j++)
        dx[o + j] = rs * (dy[o + j] * g[j] - sA / D - (x[o + j] - mu) * rs * (sAX / D));
    }
    tf.tidy(() => {
      const [xt, gt, bt, dyt] = [tf.tensor(x), tf.tensor(g), tf.tensor(b), tf.tensor(dy)];
      const nan = (n: number) => tf.fill([n], Number.NaN);
      const [yt, mt, rt, dxt, dgt, dbt] = [
        nan(rows * D),
        nan(rows),
        nan(rows),
        nan(rows * D),
        nan(D),
        nan(D),
      ];
      k.layerNorm(p(xt), p(gt), p(bt), p(yt), p(mt), p(rt), rows, D, eps);
      // y = (x−μ)·r·g + b is four float32 roundings after the statistics: a few ulps, well inside FUSED_TOLERANCE (1e-5).
      expect(relErr(yt.dataSync(), y)).toBeLessThan(4e-6);
      expect(relErr(mt.dataSync(), mean)).toBeLessThan(1e-6);
      expect(relErr(rt.dataSync(), rstd)).toBeLessThan(1e-6);
      k.layerNormGrad(p(dyt), p(xt), p(gt), p(mt), p(rt), p(dxt), p(dgt), p(dbt), rows, D);
      expect(relErr(dxt.dataSync(), dx)).toBeLessThan(1e-5);
      expect(relErr(dgt.dataSync(), dg)).toBeLessThan(1e-5);
      expect(relErr(dbt.dataSync(), db)).toBeLessThan(1e-5);
    });
  });

  it.each([1, 3, 5, 13, 128, 1027, 100_003])('sum of squares and Adam step over %i', (n) => {
    const [x, g, m] = [rand(n), rand(n), rand(n)];
    const v = Float32Array.from(rand(n), (a) => a * a);
    let sq = 0;
    for (let j = 0; j < n; j++) sq += g[j] * g[j];
    const [scale, b1, b2, eps, lrT, decay] = [0.7, 0.9, 0.99, 1e-8, 0.01, 0.001];
    const [x2, m2, v2] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let j = 0; j < n; j++) {
      const gj = g[j] * scale;
      m2[j] = b1 * m[j] + (1 - b1) * gj;
      v2[j] = b2 * v[j] + (1 - b2) * gj * gj;
      x2[j] = x[j] - ((lrT * m2[j]) / (Math.sqrt(v2[j]) + eps) + decay * x[j]);
    }
    tf.tidy(() => {
      const ins = [x, g, m, v].map((a) => tf.tensor(a));
      const outs = [0, 1, 2].map(() => tf.fill([n], Number.NaN));
      expect(Math.abs(k.sumSquares(p(ins[1]), n) - sq) / sq).toBeLessThan(1e-6);
      const ptrs = [...ins, ...outs].map(p) as Parameters<SimdKernels['adam']>[0];
      k.adam(ptrs, n, [scale, b1, 1 - b1, b2, 1 - b2, eps, lrT, decay]);
      expect(relErr(outs[0].dataSync(), x2)).toBeLessThan(1e-6);
      expect(relErr(outs[1].dataSync(), m2)).toBeLessThan(1e-6);
      expect(relErr(outs[2].dataSync(), v2)).toBeLessThan(1e-6);
    });
  });
});

describe('GELU against the float64 formula', () => {
  // y = x·σ(1.702x), dx = dy·(s + 1.702x·s·(1 − s)): harness/models/layers.ts's definition, in float64 after
  // the float32 product 1.702x that every float32 implementation starts from (at x = −28 its rounding alone moves
  // e^−z by 3e-6).
  const sig = (z: number) => 1 / (1 + Math.exp(-Math.fround(Math.fround(1.702) * z)));
  it.each([1, 3, 4, 5, 13, 1027, 100_003])('over %i values, with σ saturated at both ends', (n) => {
    const x = Float32Array.from(rand(n), (a, i) => (i % 11 === 0 ? 60 * a : 4 * a));
    const dy = rand(n);
    const y = Float64Array.from(x, (a) => a * sig(a));
    const dx = Float64Array.from(x, (a, i) => {
      const s = sig(a);
      return dy[i] * (s + 1.702 * a * s * (1 - s));
    });
    tf.tidy(() => {
      const [xt, dyt] = [tf.tensor(x), tf.tensor(dy)];
      const [yt, dxt] = [tf.fill([n], Number.NaN), tf.fill([n], Number.NaN)];
      k.gelu(p(xt), p(yt), n);
      k.geluGrad(p(xt), p(dyt), p(dxt), n);
      const [gy, gdx] = [yt.dataSync(), dxt.dataSync()];
      // Element by element: the exp polynomial is good to ~2e-7 of each value, not only of the largest.
      for (let i = 0; i < n; i++) {
        expect(Math.abs(gy[i] - y[i]), `y[${i}] at x=${x[i]}`).toBeLessThanOrEqual(
          1e-6 * Math.abs(y[i]) + 1e-30,
        );
        expect(Math.abs(gdx[i] - dx[i]), `dx[${i}] at x=${x[i]}`).toBeLessThanOrEqual(2e-6 * Math.abs(dy[i]));
      }
    });
  });

  it('passes NaN through (the trainer detects a diverged step by it) and saturates at ±80', () => {
    // At −80 the exponent is clamped at 88 (e^88 is float32's largest power of e), leaving −80·e^−88 ≈ −5e-37.
    tf.tidy(() => {
      const xt = tf.tensor([Number.NaN, 80, -80, 0, Number.NaN]);
      const yt = tf.fill([5], 7);
      k.gelu(p(xt), p(yt), 5);
      const y = Array.from(yt.dataSync());
      expect(Number.isNaN(y[0]) && Number.isNaN(y[4])).toBe(true);
      expect([y[1], y[3]]).toEqual([80, 0]);
      expect(y[2]).toBeLessThanOrEqual(0);
      expect(y[2]).toBeGreaterThan(-1e-36);
    });
  });
});

describe('exp against Math.exp', () => {
  // float32's limits: e^x overflows above ln(3.4028235e38) = 88.7228, and is subnormal below ln(2^-126) = -87.3365.
  const run = (x: Float32Array) =>
    tf.tidy(() => {
      const [xt, yt] = [tf.tensor(x), tf.fill([x.length], 7)];
      k.exp(p(xt), p(yt), x.length);
      return yt.dataSync();
    });
  it.each([1, 3, 4, 5, 13, 100_003])('over %i values from -110 to 90, element by element', (n) => {
    const x = Float32Array.from({ length: n }, (_, i) => -110 + (200 * (i + 0.5)) / n);
    const y = run(x);
    // Relative 3e-7 (the polynomial, and one float32 rounding) where the result is normal, one subnormal step
    // (2^-149) where it is not, and +Inf where float32 overflows.
    const wrong = Array.from(x).flatMap((a, i) => {
      const want = Math.exp(a);
      const ok =
        want > 3.4028235e38
          ? y[i] === Number.POSITIVE_INFINITY
          : Math.abs(y[i] - want) <= 3e-7 * want + 2 ** -149;
      return ok ? [] : [`e^${a}: ${y[i]} against ${want}`];
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('is exact at 0, +Inf above 88.72, 0 below -104, and passes NaN and the infinities', () => {
    const y = Array.from(
      run(new Float32Array([0, 88.72, 88.73, 1e30, Infinity, -103.5, -104.5, -Infinity, NaN])),
    );
    expect(y[0]).toBe(1);
    expect(y[1] / Math.exp(Math.fround(88.72))).toBeCloseTo(1, 6); // the largest finite case: 2^127 scaled twice
    expect(y.slice(2, 5)).toEqual([Infinity, Infinity, Infinity]);
    expect(y[5]).toBe(2 ** -149); // e^-103.5 = 1.1e-45 rounds to the smallest subnormal
    expect(y.slice(6, 8)).toEqual([0, 0]);
    expect(Number.isNaN(y[8])).toBe(true);
  });
});

describe('the fused kernels on the single-threaded backend', () => {
  it('take the wasm path (no silent fallback) and pass their self-tests at FUSED_TOLERANCE', () => {
    const before = { ...simdCalls };
    const errs = [
      selfTestFastKernels(),
      selfTestFusedLayerNorm(),
      selfTestFusedAdam(),
      selfTestFusedGelu(),
      selfTestFusedSoftmax(),
    ];
    for (const e of errs) expect(e).toBeLessThanOrEqual(1e-5);
    for (const name of Object.keys(before) as (keyof typeof simdCalls)[]) {
      expect(simdCalls[name], name).toBeGreaterThan(before[name]);
    }
  });
});

describe('memories', () => {
  it("link to a shared memory too (the threaded build's heap), and to nothing else", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const k = simdKernels({ wasm: { wasmMemory: memory, _malloc: () => 64, _free: () => {} } });
    expect(k).toBeDefined();
    const heap = new Float32Array(memory.buffer);
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9], 64); // a 3x3 matrix at byte 256
    k?.sum(256, 512, 3, 3);
    expect([...heap.slice(128, 131)]).toEqual([12, 15, 18]);
    expect(simdKernels({ wasm: {} })).toBeUndefined();
  });
});
