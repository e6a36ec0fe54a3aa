import type { tf } from '../tf.ts';
import { relaxedSimdAvailable, WasmGemm } from './gemm.ts';

/**
 * BatchMatMul on tfjs-wasm's own heap with the generated kernel: the Emscripten module exports its
 * WebAssembly.Memory as `asm.memory`, which our module imports, so operands are read and the output written in
 * place by byte offset (dataIdMap's memoryOffset), scratch comes from the module's malloc, and nothing is copied.
 * BENCHMARKS.md#wasm-gemm has the measurements against XNNPACK.
 */
export type HeapMatMul = (
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
) => tf.TensorInfo | undefined;

const kernels = new WeakMap<object, WasmGemm | null>();

function gemmFor(be: any): WasmGemm | undefined {
  const memory = be.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let g = kernels.get(memory);
  if (g === undefined) {
    try {
      g = new WasmGemm(memory, { fma: relaxedSimdAvailable() });
    } catch {
      // A shared memory (the threaded tfjs build) does not match our non-shared import: keep XNNPACK there.
      g = null;
    }
    kernels.set(memory, g);
  }
  return g ?? undefined;
}

/** Whether `backend` can run the generated kernel, and with FMA. */
export function heapGemmMode(backend: unknown): 'fma' | 'mul+add' | undefined {
  if (!gemmFor(backend)) return undefined;
  return relaxedSimdAvailable() ? 'fma' : 'mul+add';
}

const prod = (xs: number[]) => xs.reduce((x, y) => x * y, 1);

/**
 * The product, or undefined where this path does not apply (not float32, or batch shapes that broadcast
 * other than one side being a single matrix), so the caller falls back to its own path.
 */
export function heapMatMul(backend: unknown): HeapMatMul | undefined {
  const be = backend as any;
  const g = gemmFor(be);
  if (!g) return undefined;
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
    const scratch = be.wasm._malloc(g.scratchBytes(m, k, n));
    try {
      const pa = be.dataIdMap.get(a.dataId).memoryOffset;
      const pb = be.dataIdMap.get(b.dataId).memoryOffset;
      const pc = be.dataIdMap.get(out.dataId).memoryOffset;
      const [sa, sb] = [batchA === 1 ? 0 : m * k * 4, batchB === 1 ? 0 : k * n * 4];
      for (let i = 0; i < batch; i++) {
        g.matmul(pa + i * sa, pb + i * sb, pc + i * m * n * 4, m, k, n, transposeA, transposeB, scratch);
      }
    } finally {
      be.wasm._free(scratch);
    }
    return out;
  };
}
