import { describe, expect, it } from 'vitest';
import { type SplitName, simdModule } from '../wasm-simd/module.ts';
import { relaxedSimdAvailable, WasmGemm } from './gemm.ts';
import {
  DEFAULT_GEMM_SPIN_US,
  type GemmJob,
  GemmPool,
  type SimdExports,
  setGemmSpin,
  spinUntil,
} from './gemm-pool.ts';

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

  it('splits the elementwise kernels, layer norm, softmax and transpose over 2 threads with the single-threaded numbers, bit for bit', async () => {
    const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
    const fma = relaxedSimdAvailable();
    const g = new WasmGemm(memory, { fma });
    const pool = new GemmPool(g, memory, 2, { fma, mr: g.mr, nr: g.nr });
    await pool.whenReady();
    const { malloc } = heap(memory);
    const solo = new WebAssembly.Instance(simdModule(true), { env: { memory } }).exports as SimdExports;
    const bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0];
    // n not a multiple of 4 (the scalar tail lands in the last share); 301 rows of 130 for layer norm.
    const n = 100_003;
    const [rows, D] = [301, 130];
    const ins = (count: number, ...seeds: number[]) => seeds.map((s) => filled(memory, malloc, count, s));
    const squares = (count: number) => {
      const p = filled(memory, malloc, count, 4);
      const v = new Float32Array(memory.buffer, p, count);
      for (let i = 0; i < count; i++) v[i] *= v[i];
      return p;
    };
    // scale, b1, 1 − b1, b2, 1 − b2, eps, lr_t, lr·wd
    const ADAM_CONSTS = [0.5, 0.9, 0.1, 0.999, 0.001, 1e-8, 0.01, 1e-4];
    // [kernel, args with output pointers marked by `out(count)`, floats]
    const cases: [SplitName, (out: (count: number) => number) => number[], number][] = [
      ['gelu', (out) => [...ins(n, 1), out(n), n], n],
      ['geluGrad', (out) => [...ins(n, 1, 2), out(n), n], n],
      ['exp', (out) => [...ins(n, 3), out(n), n], n],
      [
        'adam',
        // x, g, m, then v ≥ 0 (a second moment), the three outputs, n, and the float constants.
        (out) => [...ins(n, 1, 2, 3), squares(n), out(n), out(n), out(n), n, ...ADAM_CONSTS.map(bits)],
        n,
      ],
      [
        'layerNorm',
        (out) => [
          ...ins(rows * D, 5),
          ...ins(D, 6, 7),
          out(rows * D),
          out(rows),
          out(rows),
          rows,
          D,
          bits(1e-5),
        ],
        rows * D,
      ],
      [
        // 3 batch rows × 4 heads × 64 queries of 65 keys: the second share starts mid-batch, so its mask rows
        // come from the global row index (`first`), not from an offset.
        'maskedSoftmax',
        (out) => [
          ...ins(768 * 65, 8),
          ...ins(3 * 64 * 65, 9),
          out(768 * 65),
          768,
          65,
          64,
          256,
          0,
          bits(0.35),
        ],
        768 * 65,
      ],
      ['softmaxGrad', (out) => [...ins(768 * 65, 10, 11), out(768 * 65), 768, 65, bits(0.35)], 768 * 65],
      // [5, 64, 4, 30] heads swapped: 5 leading blocks for 2 threads, runs of 30 floats (a two-float tail).
      [
        'swapMiddle',
        (out) => [...ins(5 * 64 * 4 * 30, 12), out(5 * 64 * 4 * 30), 5, 64, 4, 30],
        5 * 64 * 4 * 30,
      ],
    ];
    for (const [name, make, floats] of cases) {
      // The same inputs, two sets of outputs: one written by the pool, one by a single call here.
      const outs: [number, number][] = [];
      const args = make((count) => {
        const pair: [number, number] = [malloc(4 * count), malloc(4 * count)];
        outs.push([pair[0], count]);
        outs.push([pair[1], count]);
        return pair[0];
      });
      const soloArgs = args.map((a) => {
        const k = outs.findIndex(([p]) => p === a);
        return k >= 0 && k % 2 === 0 ? outs[k + 1][0] : a;
      });
      expect(pool.split(name, args, floats)).toBe(true);
      expect(pool.lastThreads, `${name} ran on the worker too`).toBe(2);
      solo[name](...soloArgs);
      for (let k = 0; k < outs.length; k += 2) {
        const [[p2, count], [p1]] = [outs[k], outs[k + 1]];
        const same = Buffer.from(memory.buffer, p2, 4 * count).equals(
          Buffer.from(memory.buffer, p1, 4 * count),
        );
        expect(same, `${name}: output ${k / 2} differs`).toBe(true);
      }
    }
  });

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
