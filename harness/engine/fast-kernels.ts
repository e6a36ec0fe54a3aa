import {
  heapF32,
  heapI32,
  isOverridden,
  type KernelFunc,
  overrideKernel,
  ptr,
  restoreKernel,
} from './kernel-override.ts';
import { Rng } from './rng.ts';
import { tf } from './tf.ts';
import { simdKernels } from './wasm-simd/heap.ts';

/**
 * JS replacements for wasm kernels that a training step calls often and the stock backend does slowly
 * (BENCHMARKS.md#training-kernel-profile):
 * - Sum over leading axes (every bias gradient): the stock kernel reduces only innermost axes, so it
 *   transposes the whole input first; here one pass adds rows (wasm-simd/kernels.ts, float32 lanes, rows
 *   added four at a time; a float64 JS loop where that module cannot link to the heap).
 * - GatherV2 on axis 0 (embedding lookups): one row copy (memmove) per index instead of the stock
 *   element-wise strided loop.
 * - Identity and same-dtype Cast (the gradient tape's pass-throughs, mul's gradient casts): share the
 *   input's buffer as the cpu backend does, instead of copying it. Safe because no wasm kernel writes
 *   into an input and Variable.assign swaps buffers rather than writing into one.
 * - Exp on float32 (the log-softmax of every loss, forward and backward): f32x4 lanes by wasm-simd/expf.ts
 *   instead of the stock kernel's scalar loop.
 * - Transpose: the identity permutation shares its input (as Identity does), and a swap of two adjacent axes
 *   that keeps the last axis last (the attention heads' split and merge) copies whole runs of the last axis
 *   (wasm-simd/transpose.ts) instead of one element per index computation.
 * Every other case goes to the stock kernel.
 */
export const FAST_KERNELS = ['Sum', 'GatherV2', 'Identity', 'Cast', 'Exp', 'Transpose'] as const;

const shareInput = (x: tf.TensorInfo, backend: any) => {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

const MAKERS: Record<(typeof FAST_KERNELS)[number], (stock: KernelFunc) => KernelFunc> = {
  Sum: (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    // axis may be null (all axes); parseAxisParam expands null to every axis.
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock(args);
    const rest = x.shape.slice(axes.length);
    const cols = rest.reduce((a, b) => a * b, 1);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const be = args.backend;
    const out = be.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, 'float32');
    const simd = rows * cols > 0 ? simdKernels(be) : undefined;
    if (simd) {
      simd.sum(ptr(be, x), ptr(be, out), rows, cols);
      return out;
    }
    const src = heapF32(be, x);
    const dst = heapF32(be, out);
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let j = 0; j < cols; j++) acc[j] += src[base + j];
    }
    dst.set(acc);
    return out;
  },
  GatherV2: (stock) => (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const ok = x.dtype === 'float32' || x.dtype === 'int32';
    if (!ok || indices.dtype !== 'int32' || x.shape.length < 1 || batchDims !== 0) return stock(args);
    if (tf.util.parseAxisParam(axis, x.shape)[0] !== 0) return stock(args);
    const be = args.backend;
    const rowLen = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const ids = heapI32(be, indices);
    const heap: Float32Array = be.wasm.HEAPF32;
    const xStart = ptr(be, x) / 4;
    const oStart = ptr(be, out) / 4;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < x.shape[0])) {
        be.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${id} is not in [0, ${x.shape[0] - 1}]`);
      }
      // copyWithin is a bit-exact memmove, so int32 rows travel through the float view unchanged.
      heap.copyWithin(oStart + i * rowLen, xStart + id * rowLen, xStart + (id + 1) * rowLen);
    }
    return out;
  },
  Identity: (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? stock(args) : shareInput(x, args.backend);
  },
  Exp: (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const be = args.backend;
    const n = tf.util.sizeFromShape(x.shape);
    const simd = x.dtype === 'float32' && n > 0 ? simdKernels(be) : undefined;
    if (!simd) return stock(args);
    const out = be.makeOutput(x.shape, 'float32');
    simd.exp(ptr(be, x), ptr(be, out), n);
    return out;
  },
  Transpose: (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    if (x.dtype === 'string') return stock(args);
    const be = args.backend;
    const moved = perm.flatMap((p, i) => (p === i ? [] : [i]));
    if (moved.length === 0) return shareInput(x, be);
    // Only [.., B, C, .., D] → [.., C, B, .., D]: axes i and i + 1 swapped, i + 1 not the last.
    const [i, j] = moved;
    const rank = x.shape.length;
    const swap = moved.length === 2 && j === i + 1 && perm[i] === j && j < rank - 1;
    const simd = swap && (x.dtype === 'float32' || x.dtype === 'int32') ? simdKernels(be) : undefined;
    if (!simd) return stock(args);
    const prod = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const shape: [number, number, number, number] = [
      prod(x.shape.slice(0, i)),
      x.shape[i],
      x.shape[j],
      prod(x.shape.slice(j + 1)),
    ];
    const out = be.makeOutput(
      perm.map((p) => x.shape[p]),
      x.dtype,
    );
    // f32 and v128 loads and stores move bits unchanged, so int32 tensors travel the same way.
    if (prod(shape) > 0) simd.swapMiddle(ptr(be, x), ptr(be, out), shape);
    return out;
  },
  Cast: (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const same = x.dtype === (args.attrs as { dtype: string }).dtype && x.dtype !== 'string';
    return same ? shareInput(x, args.backend) : stock(args);
  },
};

/** Installs the overrides on the wasm backend (idempotent). Call after setBackend('wasm'). */
export function installFastKernels(): void {
  for (const name of FAST_KERNELS) overrideKernel(name, MAKERS[name]);
}

export function uninstallFastKernels(): void {
  for (const name of FAST_KERNELS) restoreKernel(name);
}

export function fastKernelsInstalled(): boolean {
  return FAST_KERNELS.every(isOverridden);
}

/** The ops the self-test compares, on random inputs covering the handled and the handed-over cases. */
function cases(rng: Rng): (() => tf.Tensor)[] {
  const rand = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      shape,
    );
  const x3 = rand([37, 5, 11]);
  // A last axis of 6: one vector step and a two-float tail per run.
  const x4 = rand([3, 5, 7, 6]);
  const table = rand([9, 3, 4]);
  const ids = tf.tensor2d([4, 0, 8, 4, 4, 1], [2, 3], 'int32');
  return [
    () => tf.sum(x3, 0),
    () => tf.sum(x3, [0, 1], true),
    () => tf.sum(x3, [1, 0]),
    () => tf.sum(x3, -1),
    () => tf.sum(x3),
    () => tf.gather(table, ids),
    () => tf.gather(table, tf.tensor1d([2, 2, 0], 'int32'), 1),
    () => tf.gather(tf.tensor1d([5, 6, 7], 'int32'), tf.tensor1d([2, 0], 'int32')),
    () => tf.cast(x3, 'float32'),
    () => tf.cast(x3, 'int32'),
    () => tf.clone(table),
    () => tf.exp(tf.mul(x3, 20)),
    () => tf.exp(tf.sub(x3, 40)),
    () => tf.exp(tf.tensor1d([3, 1, 4], 'int32')),
    () => tf.transpose(x4, [0, 2, 1, 3]),
    () => tf.transpose(x3, [1, 0, 2]),
    () => tf.transpose(x3, [0, 1, 2]),
    () => tf.transpose(x3, [2, 1, 0]),
    () => tf.transpose(x3, [0, 2, 1]),
    () => tf.transpose(tf.cast(tf.mul(x4, 100), 'int32'), [0, 2, 1, 3]),
  ];
}

/** Max error of the overrides against the stock kernels, relative to the largest stock value per case. */
export function selfTestFastKernels(seed = 99): number {
  if (!fastKernelsInstalled()) return 0;
  let worst = 0;
  tf.tidy(() => {
    const ops = cases(new Rng(seed));
    const fast = ops.map((op) => op().dataSync());
    uninstallFastKernels();
    const slow = ops.map((op) => op().dataSync());
    installFastKernels();
    fast.forEach((f, c) => {
      const s = slow[c];
      if (f.length !== s.length) worst = Number.POSITIVE_INFINITY;
      let scale = 1e-6;
      for (let i = 0; i < s.length; i++) scale = Math.max(scale, Math.abs(s[i]));
      for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(f[i] - s[i]) / scale);
    });
  });
  return worst;
}
