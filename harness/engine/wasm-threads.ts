import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { tf } from './tf.ts';

/**
 * Loads tfjs-backend-wasm's threaded SIMD binary under Node, where tfjs itself switches it off
 * (its WASM_HAS_MULTITHREAD_SUPPORT flag returns false when IS_NODE; the Emscripten glue does support
 * Node's worker_threads, but tfjs only knows how to hand it a browser Blob URL for the worker script).
 * What this buys is a shared heap: the generated GEMM (wasm-gemm/gemm-pool.ts) then splits each product
 * over `threads` threads of its own, directly on the tensors. XNNPACK's own pool is kept at one thread:
 * its idle threads spin between operations and cost the GEMM's threads their cores (2 threads on `small`:
 * 137-148 ms a step with XNNPACK at 1 thread, 173-178 ms at 2; BENCHMARKS.md#threaded-wasm).
 *
 * The worker script and the main script are given as files (wasm-thread-worker.cjs, and the glue's own
 * file in node_modules) instead of Blob URLs. Emscripten starts a pool of 8 workers for pthreads; with
 * XNNPACK on one thread none is used, and they are ended once the backend exists.
 */
const require = createRequire(import.meta.url);
const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

type EmscriptenModule = Record<string, any>;

let requested = 1;

export async function registerThreadedWasm(threads: number): Promise<void> {
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm');
  const gluePath = require.resolve(GLUE);
  const wasmPath = gluePath.replace(/\.js$/, '.wasm');
  const workerPath = fileURLToPath(new URL('./wasm-thread-worker.cjs', import.meta.url));
  const factory = require(GLUE) as (config: object) => Promise<EmscriptenModule>;
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    throw new Error('the threaded wasm binary needs WebAssembly SIMD, which this Node does not have');
  }
  const listenersBefore = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  let mod: EmscriptenModule;
  try {
    mod = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? workerPath : path.endsWith('.wasm') ? wasmPath : prefix + path,
      mainScriptUrlOrBlob: gluePath,
    });
  } finally {
    // The glue rethrows every uncaught error from handlers of its own (printing its whole minified
    // source line); the CLI's own error handling must stay in charge.
    for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
      for (const l of process.listeners(event)) {
        if (!listenersBefore[event].includes(l)) process.removeListener(event, l as () => void);
      }
    }
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  // The same bridge tfjs's own init() builds (tfjs-backend-wasm dist/backend_wasm.js).
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  requested = threads;
  wasmPkg.setThreadsCount(1);
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new wasmPkg.BackendWasm(mod);
      for (const w of mod.PThread.unusedWorkers.splice(0)) w.terminate();
      // Idle pool threads must not keep the process alive after its work is done.
      for (const w of mod.PThread.runningWorkers) w.unref();
      return backend;
    },
    2,
  );
}

/** The threads asked of the threaded binary (1 for the single-threaded binaries). */
export function wasmThreadCount(): number {
  const backend = tf.backend() as { wasm?: { wasmMemory?: WebAssembly.Memory } };
  return backend.wasm?.wasmMemory?.buffer instanceof SharedArrayBuffer ? requested : 1;
}
