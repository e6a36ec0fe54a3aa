import { isOverridden, type KernelFunc, overrideKernel, ptr, restoreKernel } from './kernel-override.ts';
import { Rng } from './rng.ts';
import { tf } from './tf.ts';
import { type HeapMatMul, heapMatMul } from './wasm-gemm/heap.ts';

/**
 * BatchMatMul override for tfjs-backend-wasm@4.22.0 ("fastmm").
 *
 * The stock kernel reaches XNNPACK only for non-transposed, batch-1 products; every other case (all
 * matmul gradients, all attention) runs a scalar loop at ~2 GFLOP/s. This kernel materializes the
 * transposes with the stock Transpose kernel and calls XNNPACK once per batch slice through zero-copy
 * views of the wasm heap. It uses backend internals (dataIdMap, dataIdNextNumber, the C entry point),
 * hence the exact version pin in package.json and the start-up self-test below.
 * BENCHMARKS.md#wasm-batchmatmul has the measurements.
 *
 * Float32 products first try the generated wasm SIMD GEMM of wasm-gemm/ (1.5-2x XNNPACK on our training
 * shapes, BENCHMARKS.md#wasm-gemm), which runs on tfjs's heap and handles transposes and batches itself;
 * DISTILL_BENCH_WASM_GEMM=0 or setWasmGemm(false) keeps the XNNPACK path below.
 */

let gemmOn = process.env.DISTILL_BENCH_WASM_GEMM !== '0';

/** Turns the generated GEMM on or off (benchmarks and parity tests); the XNNPACK path stays installed. */
export function setWasmGemm(on: boolean): void {
  gemmOn = on;
}

export function wasmGemmOn(): boolean {
  return gemmOn;
}

const batchSize = (shape: number[]) => shape.slice(0, -2).reduce((a, b) => a * b, 1);

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function makeFastKernel(stock: KernelFunc, stockTranspose: KernelFunc): KernelFunc {
  let cBatchMatMul: ((...args: unknown[]) => void) | undefined;
  let heap: HeapMatMul | null | undefined;
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (gemmOn) {
      heap ??= heapMatMul(backend) ?? null;
      const out = heap?.(a, b, transposeA, transposeB);
      if (out) return out;
    }
    const batchA = batchSize(a.shape);
    const batchB = batchSize(b.shape);
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return stock({ inputs, backend, attrs });

    const temps: tf.TensorInfo[] = [];
    const materialize = (t: tf.TensorInfo, transposed: boolean) => {
      if (!transposed) return t;
      const out = stockTranspose({ inputs: { x: t }, backend, attrs: { perm: swapLastTwo(t.shape.length) } });
      temps.push(out as tf.TensorInfo);
      return out as tf.TensorInfo;
    };
    const a2 = materialize(a, transposeA);
    const b2 = materialize(b, transposeB);
    const plain = { transposeA: false, transposeB: false };
    try {
      const sameBatch = a2.shape.slice(0, -2).join() === b2.shape.slice(0, -2).join();
      if ((batchA === 1 && batchB === 1) || !sameBatch) {
        return stock({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, ...plain } });
      }
      const be = backend as any;
      cBatchMatMul ??= be.wasm.cwrap('BatchMatMul', null, [
        'number',
        'array',
        'number',
        'number',
        'array',
        'number',
        'number',
        'number',
        'number',
      ]);
      const [M, K] = a2.shape.slice(-2);
      const N = b2.shape[b2.shape.length - 1];
      const out = be.makeOutput([...a2.shape.slice(0, -2), M, N], 'float32');
      const [aOff, bOff, oOff] = [a2, b2, out].map((t) => ptr(be, t));
      const aShape = new Uint8Array(new Int32Array([1, M, K]).buffer);
      const bShape = new Uint8Array(new Int32Array([1, K, N]).buffer);
      const reg = be.wasm.tfjs.registerTensor;
      const dispose = be.wasm.tfjs.disposeData;
      for (let i = 0; i < batchA; i++) {
        const ia = be.dataIdNextNumber++;
        const ib = be.dataIdNextNumber++;
        const io = be.dataIdNextNumber++;
        reg(ia, M * K, aOff + i * M * K * 4);
        reg(ib, K * N, bOff + i * K * N * 4);
        reg(io, M * N, oOff + i * M * N * 4);
        cBatchMatMul!(ia, aShape, 3, ib, bShape, 3, 0, 0, io);
        dispose(ia);
        dispose(ib);
        dispose(io);
      }
      return out;
    } finally {
      for (const t of temps) (backend as any).disposeData(t.dataId);
    }
  };
}

/** Installs the override on the wasm backend (idempotent). Call after setBackend('wasm'). */
export function installFastMatMul(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm Transpose kernel not registered');
  overrideKernel('BatchMatMul', (stock) => makeFastKernel(stock, transpose.kernelFunc as KernelFunc));
}

/** Puts the stock kernel back (used by the self-test fallback and by parity tests). */
export function uninstallFastMatMul(): void {
  restoreKernel('BatchMatMul');
}

export function fastMatMulInstalled(): boolean {
  return isOverridden('BatchMatMul');
}

export interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** Shapes covering every path of the override: transposes, rank 3 and 4, broadcast batches, the plain 2-D case. */
export const SELF_TEST_CASES: MatMulCase[] = [
  { a: [17, 9], b: [9, 13], transposeA: false, transposeB: false },
  { a: [17, 9], b: [13, 9], transposeA: false, transposeB: true },
  { a: [9, 17], b: [9, 13], transposeA: true, transposeB: false },
  { a: [9, 17], b: [13, 9], transposeA: true, transposeB: true },
  { a: [3, 7, 5], b: [3, 5, 6], transposeA: false, transposeB: false },
  { a: [2, 3, 7, 5], b: [2, 3, 6, 5], transposeA: false, transposeB: true },
  { a: [2, 3, 5, 7], b: [2, 3, 5, 6], transposeA: true, transposeB: false },
  { a: [4, 64, 33], b: [4, 64, 20], transposeA: true, transposeB: false },
  // A single matrix against a batch, on either side (the generated GEMM's broadcast strides).
  { a: [3, 7, 5], b: [5, 6], transposeA: false, transposeB: false },
  { a: [5, 6], b: [2, 4, 5], transposeA: true, transposeB: true },
];

/** Max relative error of the override against the stock kernel on random inputs. */
export function selfTestFastMatMul(cases = SELF_TEST_CASES, seed = 1234): number {
  if (!fastMatMulInstalled()) return 0;
  const rng = new Rng(seed);
  let worst = 0;
  for (const c of cases) {
    const rand = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.normal()),
        shape,
      );
    const a = rand(c.a);
    const b = rand(c.b);
    const fast = tf.matMul(a, b, c.transposeA, c.transposeB);
    uninstallFastMatMul();
    const slow = tf.matMul(a, b, c.transposeA, c.transposeB);
    installFastMatMul();
    const f = fast.dataSync();
    const s = slow.dataSync();
    let scale = 1e-6;
    for (let i = 0; i < s.length; i++) scale = Math.max(scale, Math.abs(s[i]));
    for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(f[i] - s[i]) / scale);
    tf.dispose([a, b, fast, slow]);
  }
  return worst;
}
