import { type GemmKernel, parseGemmKernel } from '../gemm-kernel.ts';
import { ptr, tfjsMemory } from '../kernel-override.ts';
import type { tf } from '../tf.ts';
import { wasmThreadCount } from '../wasm-threads.ts';
import { relaxedSimdAvailable, WasmGemm } from './gemm.ts';
import { GemmPool } from './gemm-pool.ts';

/**
 * BatchMatMul on tfjs-wasm's own heap with the generated kernel: our module imports the Emscripten module's
 * WebAssembly.Memory (`asm.memory`, or `wasmMemory` in the threaded build), so operands are read and the output written in
 * place by byte offset (dataIdMap's memoryOffset), scratch comes from the module's malloc, and nothing is copied.
 * BENCHMARKS.md#wasm-gemm has the measurements against XNNPACK.
 */
export type HeapMatMul = (
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
) => tf.TensorInfo | undefined;

interface Kernel {
  g: WasmGemm;
  pool: GemmPool;
  fma: boolean;
}
const kernels = new WeakMap<object, Kernel | null>();

function gemmFor(be: any): Kernel | undefined {
  const memory = tfjsMemory(be);
  if (!memory) return undefined;
  let kernel = kernels.get(memory);
  if (kernel === undefined) {
    // Read before the try: a bad value is the user's to fix (exit 2), not a reason to fall back.
    const wanted: GemmKernel = parseGemmKernel(process.env.DISTILL_BENCH_GEMM);
    try {
      const fma = wanted === 'fma' && relaxedSimdAvailable();
      const g = new WasmGemm(memory, { fma });
      // The threaded tfjs build (wasm-threads.ts) has a shared heap, so our own threads can split products.
      const threads = memory.buffer instanceof SharedArrayBuffer ? wasmThreadCount() : 1;
      kernel = { g, pool: new GemmPool(g, memory, threads, { fma, mr: g.mr, nr: g.nr }), fma };
    } catch {
      kernel = null;
    }
    kernels.set(memory, kernel);
  }
  return kernel ?? undefined;
}

/** Threads the generated GEMM splits a product over in `backend` (0: the kernel is not in use). */
export function heapGemmThreads(backend: unknown): number {
  return gemmFor(backend)?.pool.threads ?? 0;
}

/** The thread pool of `backend`'s generated GEMM, which also runs shares of the split SIMD kernels. */
export function heapGemmPool(backend: unknown): GemmPool | undefined {
  return gemmFor(backend)?.pool;
}

/** Whether `backend` runs the generated kernel, and with which multiply-add (gemm-kernel.ts). */
export function heapGemmMode(backend: unknown): GemmKernel | undefined {
  const kernel = gemmFor(backend);
  if (!kernel) return undefined;
  return kernel.fma ? 'fma' : 'mul+add';
}

const prod = (xs: number[]) => xs.reduce((x, y) => x * y, 1);

/**
 * The product, or undefined where this path does not apply (not float32, or batch shapes that broadcast
 * other than one side being a single matrix), so the caller falls back to its own path.
 */
export function heapMatMul(backend: unknown): HeapMatMul | undefined {
  const be = backend as any;
  const kernel = gemmFor(be);
  if (!kernel) return undefined;
  return (a, b, transposeA, transposeB) => {
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    const batchShapeA = a.shape.slice(0, -2);
    const batchShapeB = b.shape.slice(0, -2);
    const [batchA, batchB] = [prod(batchShapeA), prod(batchShapeB)];
    const same = batchShapeA.join() === batchShapeB.join();
    if (!same && batchA !== 1 && batchB !== 1) return undefined;
    const [ra, ca] = a.shape.slice(-2);
    const [rb, cb] = b.shape.slice(-2);
    const [m, k] = transposeA ? [ca, ra] : [ra, ca];
    const [k2, n] = transposeB ? [cb, rb] : [rb, cb];
    if (k !== k2) return undefined;
    const batchShape = same || batchB === 1 ? batchShapeA : batchShapeB;
    const batch = Math.max(batchA, batchB);
    const out = be.makeOutput([...batchShape, m, n], 'float32');
    if (m * n === 0) return out;
    const job = {
      a: ptr(be, a),
      b: ptr(be, b),
      c: ptr(be, out),
      m,
      k,
      n,
      ta: transposeA,
      tb: transposeB,
      batch,
      sa: batchA === 1 ? 0 : m * k * 4,
      sb: batchB === 1 ? 0 : k * n * 4,
      sc: m * n * 4,
    };
    kernel.pool.run(job, be.wasm._malloc, be.wasm._free);
    return out;
  };
}
