import { emitModule } from '../wasm-gemm/emit.ts';
import { emitExp } from './expf.ts';
import { emitGelu, emitGeluGrad } from './gelu.ts';
import { emitAdam, emitLayerNorm, emitLayerNormGrad, emitSum, emitSumSquares } from './kernels.ts';
import { emitMaskedSoftmax, emitSoftmaxGrad } from './softmax.ts';
import { emitSwapMiddle } from './transpose.ts';

/**
 * The compiled module of the generated f32x4 kernels (kernels.ts, gelu.ts, expf.ts), one per memory kind: the
 * calling thread instantiates it on tfjs-wasm's heap (heap.ts) and, where that heap is shared, the GEMM pool's
 * worker threads instantiate the same module on it to take a share of the kernels in SPLITTABLE.
 */
const modules = new Map<boolean, WebAssembly.Module>();

export function simdModule(sharedMemory: boolean): WebAssembly.Module {
  let m = modules.get(sharedMemory);
  if (!m) {
    const funcs = [
      emitSum(),
      emitLayerNorm(),
      emitLayerNormGrad(),
      emitSumSquares(),
      emitAdam(),
      emitGelu(),
      emitGeluGrad(),
      emitExp(),
      emitMaskedSoftmax(),
      emitSoftmaxGrad(),
      emitSwapMiddle(),
    ];
    m = new WebAssembly.Module(emitModule(funcs, { sharedMemory }));
    modules.set(sharedMemory, m);
  }
  return m;
}

/**
 * How a kernel's work divides into independent units (elements, or rows for layer norm), so threads can each run
 * it on a range of them with the same numbers as one thread: `count` is the parameter holding the number of
 * units, `strides(args)` the bytes each pointer parameter advances per unit (0: not advanced), `align` the
 * units a share is a multiple of (4 keeps every share but the last free of the scalar tail). A stride of 1 on
 * a parameter that is not a pointer makes it count units (maskedSoftmax's first row).
 * Reductions across units (sum, sumSquares, layerNormGrad's dg/db) are not here: splitting them would change
 * their summation order.
 */
export interface Split {
  count: number;
  align: number;
  strides(args: readonly number[]): number[];
}

const elementwise = (pointers: number): Split => ({
  count: pointers,
  align: 4,
  strides: () => [...new Array(pointers).fill(4), 0],
});

export const SPLITTABLE = {
  gelu: elementwise(2),
  geluGrad: elementwise(3),
  exp: elementwise(2),
  // adam(x, g, m, v, x2, m2, v2, n, 8 constants)
  adam: { count: 7, align: 4, strides: () => [...new Array(7).fill(4), ...new Array(9).fill(0)] },
  // layerNorm(x, g, b, y, mean, rstd, rows, D, eps): a unit is a row.
  layerNorm: { count: 6, align: 1, strides: (a) => [4 * a[7], 0, 0, 4 * a[7], 4, 4, 0, 0, 0] },
  // maskedSoftmax(s, mask, y, rows, K, Q, HQ, first, scale): a unit is a row; `first` counts rows (stride 1),
  // because the mask row is a function of the global row index, not an offset from the share's start.
  maskedSoftmax: { count: 3, align: 1, strides: (a) => [4 * a[4], 0, 4 * a[4], 0, 0, 0, 0, 1, 0] },
  // softmaxGrad(y, dy, ds, rows, K, scale)
  softmaxGrad: { count: 3, align: 1, strides: (a) => [4 * a[4], 4 * a[4], 4 * a[4], 0, 0, 0] },
  // swapMiddle(src, dst, A, B, C, D): a unit is one [B, C, D] block of the leading axis.
  swapMiddle: {
    count: 2,
    align: 1,
    strides: (a) => [4 * a[3] * a[4] * a[5], 4 * a[3] * a[4] * a[5], 0, 0, 0, 0],
  },
} satisfies Record<string, Split>;

export type SplitName = keyof typeof SPLITTABLE;
/** The order the pool's control block numbers them in. */
export const SPLIT_NAMES = Object.keys(SPLITTABLE) as SplitName[];
