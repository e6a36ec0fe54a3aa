import { describe, expect, it } from 'vitest';
import { relaxedSimdAvailable, WasmGemm } from './gemm.ts';
import { DEFAULT_GEMM_SPIN_US, type GemmJob, GemmPool, setGemmSpin, spinUntil } from './gemm-pool.ts';

/** A bump allocator over a shared memory, standing in for tfjs's malloc. */
function heap(memory: WebAssembly.Memory) {
  let top = 1 << 16;
  const malloc = (bytes: number) => {
    const p = top;
    top += Math.ceil(bytes / 64) * 64 + 64;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  return { malloc, free: () => {} };
}

function filled(memory: WebAssembly.Memory, alloc: (b: number) => number, n: number, seed: number) {
  const p = alloc(4 * n);
  const v = new Float32Array(memory.buffer, p, n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37 + seed);
  return p;
}

describe('GemmPool on a shared memory', () => {
  it.each([
    ['polling before they sleep', DEFAULT_GEMM_SPIN_US],
    ['sleeping at once', 0],
  ])(
    'splits row bands and batches over 2 threads, %s, with the single-threaded numbers, bit for bit',
    async (_, spin) => {
      setGemmSpin(spin);
      const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
      const fma = relaxedSimdAvailable();
      const g = new WasmGemm(memory, { fma });
      const pool = new GemmPool(g, memory, 2, { fma, mr: g.mr, nr: g.nr });
      const solo = new GemmPool(g, memory, 1, { fma, mr: g.mr, nr: g.nr });
      await pool.whenReady();
      const { malloc, free } = heap(memory);
      // [m, k, n, batch, ta, tb]: one tall product (row bands, m not a multiple of the tile), one batch with
      // transposes (slices dealt out), one batch of 1 broadcast against a shared B (sb = 0).
      const cases: [number, number, number, number, boolean, boolean, boolean][] = [
        [301, 70, 130, 1, false, false, false],
        [64, 48, 72, 5, true, true, false],
        [90, 64, 100, 3, false, true, true],
      ];
      for (const [m, k, n, batch, ta, tb, sharedB] of cases) {
        const a = filled(memory, malloc, batch * m * k, 1);
        const b = filled(memory, malloc, (sharedB ? 1 : batch) * k * n, 2);
        const job = (c: number): GemmJob => ({
          a,
          b,
          c,
          m,
          k,
          n,
          ta,
          tb,
          batch,
          sa: m * k * 4,
          sb: sharedB ? 0 : k * n * 4,
          sc: m * n * 4,
        });
        const [c1, c2] = [malloc(4 * batch * m * n), malloc(4 * batch * m * n)];
        solo.run(job(c1), malloc, free);
        expect(solo.lastThreads).toBe(1);
        pool.run(job(c2), malloc, free);
        expect(pool.lastThreads, `${m}x${k}x${n} ran on the workers too`).toBe(2);
        const one = new Float32Array(memory.buffer, c1, batch * m * n);
        const two = new Float32Array(memory.buffer, c2, batch * m * n);
        expect(
          Buffer.from(two.buffer, c2, two.byteLength).equals(Buffer.from(one.buffer, c1, one.byteLength)),
        ).toBe(true);
        // And right: element (i, j) of the last slice against a float64 dot product.
        const A = new Float32Array(memory.buffer, a + (batch - 1) * m * k * 4, m * k);
        const B = new Float32Array(memory.buffer, b + (sharedB ? 0 : (batch - 1) * k * n * 4), k * n);
        const [i, j] = [m - 1, n - 2];
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ta ? p * m + i : i * k + p] * B[tb ? j * k + p : p * n + j];
        expect(Math.abs(two[(batch - 1) * m * n + i * n + j] - s)).toBeLessThan(1e-4);
      }
      setGemmSpin(DEFAULT_GEMM_SPIN_US);
    },
  );

  it('spinUntil returns the value that met the condition, or the last one read when time ran out', () => {
    const ctl = new Int32Array(new SharedArrayBuffer(8));
    ctl[1] = 7;
    expect(spinUntil(ctl, 1, (v) => v === 7, 1e6)).toBe(7);
    const t0 = performance.now();
    expect(spinUntil(ctl, 1, (v) => v === 8, 3000)).toBe(7);
    // It polled for the whole 3 ms before giving up (a lower bound: a loaded machine only adds to it).
    expect(performance.now() - t0).toBeGreaterThanOrEqual(3);
  });
});
