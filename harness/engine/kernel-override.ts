import { tf } from './tf.ts';

/**
 * Swapping a registered wasm kernel for our own and back (harness/engine/fast-kernels.ts, fastmm.ts), and
 * registering kernels of our own that have no stock twin (fused-adam.ts, fused-layernorm.ts, fused-gelu.ts).
 * The replacement receives the stock kernel function so it can hand over
 * every case it does not handle; the stock config is kept so self-tests and parity tests can restore it.
 */
export type KernelFunc = (args: any) => tf.TensorInfo | tf.TensorInfo[];

const stock = new Map<string, tf.KernelConfig>();

/** Registers `make(stockFunc)` for `kernelName` on wasm (idempotent). */
export function overrideKernel(kernelName: string, make: (stock: KernelFunc) => KernelFunc): void {
  if (stock.has(kernelName)) return;
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`wasm kernel '${kernelName}' is not registered`);
  stock.set(kernelName, config);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: make(config.kernelFunc as KernelFunc) as any });
}

/** Puts the stock kernel back. */
export function restoreKernel(kernelName: string): void {
  const config = stock.get(kernelName);
  if (!config) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(config);
  stock.delete(kernelName);
}

export function isOverridden(kernelName: string): boolean {
  return stock.has(kernelName);
}

/** A set of our own wasm kernels, registered and removed together. */
export interface OwnKernels {
  /** Registers them (idempotent). Call after setBackend('wasm'). */
  install(): void;
  /** Removes them (the self-test fallback, and parity tests that need the op path on wasm). */
  uninstall(): void;
  /** Whether the active backend has them. */
  available(): boolean;
}

export function ownKernels(kernels: [kernelName: string, func: KernelFunc][]): OwnKernels {
  let installed = false;
  return {
    install() {
      if (installed) return;
      for (const [kernelName, func] of kernels)
        tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: func as any });
      installed = true;
    },
    uninstall() {
      if (!installed) return;
      for (const [kernelName] of kernels) tf.unregisterKernel(kernelName, 'wasm');
      installed = false;
    },
    available: () => tf.getKernel(kernels[0][0], tf.getBackend()) !== undefined,
  };
}

type HeapArray = Float32ArrayConstructor | Int32ArrayConstructor;

/** Byte offset of a tensor on the wasm heap (take it after the last makeOutput: offsets survive growth, views do not). */
export const ptr = (backend: any, t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId).memoryOffset;

/** tfjs-wasm's WebAssembly.Memory: the single-threaded builds export it, the threaded one creates it in JS. */
export function tfjsMemory(backend: any): WebAssembly.Memory | undefined {
  const memory = backend?.wasm?.asm?.memory ?? backend?.wasm?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** A zero-copy view of a wasm tensor; take views only after the last makeOutput (growth detaches). */
function heapView<C extends HeapArray>(Type: C, backend: any, t: tf.TensorInfo): InstanceType<C> {
  const size = t.shape.reduce((a, b) => a * b, 1);
  return new Type(backend.wasm.HEAPU8.buffer, ptr(backend, t), size) as InstanceType<C>;
}

export const heapF32 = (backend: any, t: tf.TensorInfo): Float32Array => heapView(Float32Array, backend, t);
export const heapI32 = (backend: any, t: tf.TensorInfo): Int32Array => heapView(Int32Array, backend, t);
