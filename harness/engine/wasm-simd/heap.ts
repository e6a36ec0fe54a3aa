import { tfjsMemory } from '../kernel-override.ts';
import { heapGemmPool } from '../wasm-gemm/heap.ts';
import { type SplitName, simdModule } from './module.ts';

/**
 * The kernels of kernels.ts instantiated on tfjs-wasm's own WebAssembly.Memory (as wasm-gemm/heap.ts does),
 * so they read and write tensors in place by their byte offsets; a shared memory (the threaded build's) is
 * imported as shared, and there the elementwise kernels and layer norm run on the GEMM pool's threads too
 * (module.ts's SPLITTABLE). undefined where no memory can be imported (a LinkError), and the callers keep
 * their JS loops.
 */
export interface SimdKernels {
  sum(src: number, dst: number, rows: number, cols: number): void;
  layerNorm(
    x: number,
    g: number,
    b: number,
    y: number,
    mean: number,
    rstd: number,
    rows: number,
    D: number,
    eps: number,
  ): void;
  layerNormGrad(
    dy: number,
    x: number,
    g: number,
    mean: number,
    rstd: number,
    dx: number,
    dg: number,
    db: number,
    rows: number,
    D: number,
  ): void;
  /** Σ g² in float64 over n floats at g. */
  sumSquares(g: number, n: number): number;
  adam(ptrs: [number, number, number, number, number, number, number], n: number, consts: number[]): void;
  /** y = x·σ(1.702x) over n floats (gelu.ts). */
  gelu(x: number, y: number, n: number): void;
  /** dx = dy·(s + 1.702x·s·(1 − s)), s = σ(1.702x), over n floats. */
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  /** y = e^x over n floats (expf.ts). */
  exp(x: number, y: number, n: number): void;
  /** y = softmax(scale·s + mask) over rows of K, s [B, H, Q, K], mask [B, 1, Q, K] (softmax.ts). */
  maskedSoftmax(
    s: number,
    mask: number,
    y: number,
    shape: [B: number, H: number, Q: number, K: number],
    scale: number,
  ): void;
  /** dst[a, c, b, :] = src[a, b, c, :] of an [A, B, C, D] tensor (transpose.ts). */
  swapMiddle(src: number, dst: number, shape: [A: number, B: number, C: number, D: number]): void;
  /** ds = scale·y·(dy − Σ dy·y) over `rows` rows of K. */
  softmaxGrad(y: number, dy: number, ds: number, rows: number, K: number, scale: number): void;
}

/** How many calls took the wasm path, per kernel: the tests' proof that nothing silently fell back. */
export const simdCalls = {
  sum: 0,
  layerNorm: 0,
  layerNormGrad: 0,
  adam: 0,
  gelu: 0,
  geluGrad: 0,
  exp: 0,
  maskedSoftmax: 0,
  softmaxGrad: 0,
  swapMiddle: 0,
};

const cache = new WeakMap<WebAssembly.Memory, SimdKernels | null>();
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const bits = (x: number) => {
  f32[0] = x;
  return i32[0];
};

function instantiate(be: any, memory: WebAssembly.Memory): SimdKernels {
  const sharedMemory = memory.buffer instanceof SharedArrayBuffer;
  const ex = new WebAssembly.Instance(simdModule(sharedMemory), {
    env: { memory },
  }).exports as Record<string, (...a: number[]) => void>;
  const pool = sharedMemory ? heapGemmPool(be) : undefined;
  const split = (name: SplitName, args: number[], floats: number) => {
    if (!pool?.split(name, args, floats)) ex[name](...args);
  };
  return {
    sum: (src, dst, rows, cols) => {
      simdCalls.sum++;
      ex.sum(src, dst, rows, cols);
    },
    layerNorm: (x, g, b, y, mean, rstd, rows, D, eps) => {
      simdCalls.layerNorm++;
      split('layerNorm', [x, g, b, y, mean, rstd, rows, D, bits(eps)], rows * D);
    },
    layerNormGrad: (...a) => {
      simdCalls.layerNormGrad++;
      ex.layerNormGrad(...a);
    },
    sumSquares: (g, n) => {
      const out = be.wasm._malloc(8);
      try {
        ex.sumSquares(g, n, out);
        return new Float64Array(memory.buffer, out, 1)[0];
      } finally {
        be.wasm._free(out);
      }
    },
    adam: (ptrs, n, consts) => {
      simdCalls.adam++;
      split('adam', [...ptrs, n, ...consts.map(bits)], n);
    },
    gelu: (x, y, n) => {
      simdCalls.gelu++;
      split('gelu', [x, y, n], n);
    },
    geluGrad: (x, dy, dx, n) => {
      simdCalls.geluGrad++;
      split('geluGrad', [x, dy, dx, n], n);
    },
    exp: (x, y, n) => {
      simdCalls.exp++;
      split('exp', [x, y, n], n);
    },
    maskedSoftmax: (sc, mask, y, [B, H, Q, K], scale) => {
      simdCalls.maskedSoftmax++;
      split('maskedSoftmax', [sc, mask, y, B * H * Q, K, Q, H * Q, 0, bits(scale)], B * H * Q * K);
    },
    swapMiddle: (src, dst, [A, B, C, D]) => {
      simdCalls.swapMiddle++;
      split('swapMiddle', [src, dst, A, B, C, D], A * B * C * D);
    },
    softmaxGrad: (y, dy, ds, rows, K, scale) => {
      simdCalls.softmaxGrad++;
      split('softmaxGrad', [y, dy, ds, rows, K, bits(scale)], rows * K);
    },
  };
}

/** The kernels for this wasm backend, or undefined where only the JS loops can run. */
export function simdKernels(backend: unknown): SimdKernels | undefined {
  const be = backend as any;
  const memory = tfjsMemory(be);
  if (!memory) return undefined;
  let k = cache.get(memory);
  if (k === undefined) {
    try {
      k = instantiate(be, memory);
    } catch (err) {
      // Only the link step may fail by design; a compile error is a bug in kernels.ts and must surface.
      if (!(err instanceof WebAssembly.LinkError)) throw err;
      k = null;
    }
    cache.set(memory, k);
  }
  return k ?? undefined;
}
