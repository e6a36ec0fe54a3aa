import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { selfTestFastMatMul } from '../../harness/engine/fastmm.ts';
import { Rng } from '../../harness/engine/rng.ts';
import { tf } from '../../harness/engine/tf.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

describe('fast wasm BatchMatMul', () => {
  it('equals the stock kernel within 1e-4 relative on random shapes, transposes and ranks 2-4', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
          m: fc.integer({ min: 1, max: 40 }),
          k: fc.integer({ min: 1, max: 70 }),
          n: fc.integer({ min: 1, max: 40 }),
          ta: fc.boolean(),
          tb: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ batch, m, k, n, ta, tb, seed }) => {
          const a = [...batch, ...(ta ? [k, m] : [m, k])];
          const b = [...batch, ...(tb ? [n, k] : [k, n])];
          const err = selfTestFastMatMul([{ a, b, transposeA: ta, transposeB: tb }], seed);
          expect(err).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('matches an independent JS matmul on a transposed batched case', () => {
    const rng = new Rng(7);
    const A = Array.from({ length: 2 * 4 * 3 }, () => rng.normal()); // [2, 4, 3], used transposed: [2, 3, 4]
    const B = Array.from({ length: 2 * 4 * 5 }, () => rng.normal()); // [2, 4, 5]
    const out = tf
      .matMul(tf.tensor3d(A, [2, 4, 3]), tf.tensor3d(B, [2, 4, 5]), true, false)
      .arraySync() as number[][][];
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 5; j++) {
          let ref = 0;
          for (let t = 0; t < 4; t++) ref += A[s * 12 + t * 3 + i] * B[s * 20 + t * 5 + j];
          expect(out[s][i][j]).toBeCloseTo(ref, 4);
        }
  });
});

describe('UnsortedSegmentSum polyfill', () => {
  it("makes tf.gather's gradient on wasm equal the cpu backend's", async () => {
    const rng = new Rng(3);
    const table = Array.from({ length: 10 * 6 }, () => rng.normal());
    const ids = [1, 4, 4, 9, 0, 1, 1];
    const upstream = Array.from({ length: ids.length * 6 }, () => rng.normal());
    const gradOn = async (backend: string) => {
      await tf.setBackend(backend);
      const g = tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(x, ids), tf.tensor2d(upstream, [ids.length, 6]))),
      );
      return Array.from(g(tf.tensor2d(table, [10, 6])).dataSync());
    };
    const onWasm = await gradOn('wasm');
    const onCpu = await gradOn('cpu');
    await tf.setBackend('wasm');
    // Equal up to float32 rounding of the three-term sums (one ulp).
    onWasm.forEach((v, i) =>
      expect(Math.abs(v - onCpu[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(onCpu[i]))),
    );
    // Row 1 gathered three times: its gradient is the sum of three upstream rows (by hand).
    const row1 = [0, 5, 6].map((r) => upstream.slice(r * 6, r * 6 + 6));
    onWasm.slice(6, 12).forEach((v, j) => expect(v).toBeCloseTo(row1[0][j] + row1[1][j] + row1[2][j], 5));
  });
});
