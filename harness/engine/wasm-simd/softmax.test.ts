import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../backend.ts';
import { ptr } from '../kernel-override.ts';
import { Rng } from '../rng.ts';
import { tf } from '../tf.ts';
import { type SimdKernels, simdKernels } from './heap.ts';

let k: SimdKernels;
const p = (t: tf.Tensor) => ptr(tf.backend(), t);

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
  k = simdKernels(tf.backend()) as SimdKernels;
  expect(k).toBeDefined();
});

/** softmax(scale·s + mask) row by row in float64, straight from the definition. */
function reference(s: Float32Array, mask: Float32Array, [B, H, Q, K]: number[], scale: number): Float64Array {
  const y = new Float64Array(s.length);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let q = 0; q < Q; q++) {
        const row = ((b * H + h) * Q + q) * K;
        const z = Array.from({ length: K }, (_, j) => scale * s[row + j] + mask[(b * Q + q) * K + j]);
        const mx = Math.max(...z);
        const e = z.map((v) => Math.exp(v - mx));
        const sum = e.reduce((a, c) => a + c, 0);
        e.forEach((v, j) => {
          y[row + j] = v / sum;
        });
      }
  return y;
}

describe('masked softmax kernels against float64 references', () => {
  it('gives 1/7, 2/7, 4/7 for scores ln 1, ln 2, ln 4, and exact zeros where masked', () => {
    const y = tf.tidy(() => {
      const s = tf.tensor4d([0, Math.LN2, 2 * Math.LN2, 5, 9], [1, 1, 1, 5]);
      const mask = tf.tensor4d([0, 0, 0, -1e9, -1e9], [1, 1, 1, 5]);
      const out = tf.zeros([1, 1, 1, 5]);
      k.maskedSoftmax(p(s), p(mask), p(out), [1, 1, 1, 5], 1);
      return out.dataSync();
    });
    [1 / 7, 2 / 7, 4 / 7].forEach((want, j) => {
      expect(Math.abs(y[j] - want)).toBeLessThan(2e-7);
    });
    expect([y[3], y[4]]).toEqual([0, 0]);
  });

  it.each([
    [2, 3, 5, 7],
    [2, 4, 16, 64],
    [1, 2, 3, 1],
  ])(
    'forward and backward on [%i, %i, %i, %i], each head reading its batch row of the mask',
    (B, H, Q, K) => {
      const rng = new Rng(B * 1000 + K);
      const shape = [B, H, Q, K];
      const n = B * H * Q * K;
      const s = Float32Array.from({ length: n }, () => 3 * rng.normal());
      // Causal and per batch row: key j is masked after query q, and batch row b masks key 0 too (where q > 0).
      const mask = Float32Array.from({ length: B * Q * K }, (_, i) => {
        const [b, q, j] = [Math.floor(i / (Q * K)), Math.floor(i / K) % Q, i % K];
        return j > q || (b === 1 && j === 0 && q > 0) ? -1e9 : 0;
      });
      const dy = Float32Array.from({ length: n }, () => rng.normal());
      const scale = 0.35;
      const want = reference(s, mask, shape, scale);
      const [y, ds] = tf.tidy(() => {
        const [st, mt, dyt] = [tf.tensor(s, shape), tf.tensor(mask, [B, 1, Q, K]), tf.tensor(dy, shape)];
        const [yt, dst] = [tf.zeros(shape), tf.zeros(shape)];
        k.maskedSoftmax(p(st), p(mt), p(yt), [B, H, Q, K], scale);
        k.softmaxGrad(p(yt), p(dyt), p(dst), B * H * Q, K, scale);
        return [yt.dataSync(), dst.dataSync()];
      });
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] - want[i]), `y[${i}]`).toBeLessThan(1e-6);
      // ds_j = Σ_i dy_i ∂y_i/∂s_j with the Jacobian ∂y_i/∂s_j = scale·y_i·(δ_ij − y_j), in float64 from `want`.
      for (let r = 0; r < n; r += K)
        for (let j = 0; j < K; j++) {
          let g = 0;
          for (let i = 0; i < K; i++)
            g += dy[r + i] * scale * want[r + i] * ((i === j ? 1 : 0) - want[r + j]);
          expect(Math.abs(ds[r + j] - g), `ds[${r + j}]`).toBeLessThan(2e-6);
        }
    },
  );
});
