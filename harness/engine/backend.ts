import { createRequire } from 'node:module';
import { UsageError } from '../errors.ts';
import {
  selfTestFusedAdam,
  selfTestFusedGelu,
  selfTestFusedLayerNorm,
  selfTestFusedSoftmax,
} from '../training/fused-self-test.ts';
import { installFastKernels, selfTestFastKernels, uninstallFastKernels } from './fast-kernels.ts';
import {
  fastMatMulInstalled,
  installFastMatMul,
  selfTestFastMatMul,
  uninstallFastMatMul,
  wasmGemmOn,
} from './fastmm.ts';
import { fusedAdamAvailable, installFusedAdam, uninstallFusedAdam } from './fused-adam.ts';
import { installFusedGelu, uninstallFusedGelu } from './fused-gelu.ts';
import { installFusedLayerNorm, uninstallFusedLayerNorm } from './fused-layernorm.ts';
import { installFusedSoftmax, uninstallFusedSoftmax } from './fused-softmax.ts';
import { parseGemmKernel } from './gemm-kernel.ts';
import { registerUnsortedSegmentSum } from './segment-sum.ts';
import { tf } from './tf.ts';
import { heapGemmMode } from './wasm-gemm/heap.ts';
import { parseWasmThreads } from './wasm-thread-count.ts';
import { registerThreadedWasm, wasmThreadCount } from './wasm-threads.ts';
import { loadWebGpu } from './webgpu.ts';

/**
 * The backend ladder (README.md#what-is-real-today): the first rung that loads wins, and every skipped rung records
 * why, so `doctor` and the run manifest can say what happened.
 */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** The tfjs backend name actually active (`tensorflow` for both native rungs). */
  tfBackend: string;
  fastMatMul: boolean;
  fastMatMulMaxRelError?: number;
  /** wasm only: the JS kernels of fast-kernels.ts, fused clip+Adam (fused-adam.ts), layer norm (fused-layernorm.ts) and GELU (fused-gelu.ts). */
  fused: boolean;
  fusedMaxRelError?: number;
  /** wasm only: the generated GEMM of wasm-gemm/ ('fma', 'mul+add') or 'off' (XNNPACK products). */
  gemm: 'fma' | 'mul+add' | 'off';
  /** wasm only: threads the generated GEMM splits products over (1 = the single-threaded SIMD binary, the default). */
  wasmThreads: number;
  skipped: { name: BackendName; reason: string }[];
  warnings: string[];
}

const require = createRequire(import.meta.url);
const FASTMM_TOLERANCE = 1e-4;
// Float64 accumulation against the stock float32 kernels: differences are a few float32 ulps.
const FUSED_TOLERANCE = 1e-5;

let active: BackendInfo | undefined;

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

async function tryNative(pkg: string): Promise<void> {
  // tfjs-node(-gpu) are optionalDependencies whose install downloads libtensorflow; where that failed
  // the package is simply absent and require throws MODULE_NOT_FOUND.
  try {
    require(pkg);
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(
      `${pkg} not installed (optional dependency; its install downloads libtensorflow, which fails offline)`,
    );
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but backend 'tensorflow' failed`);
}

/** Turns every fused/JS wasm kernel on or off (parity tests, `bench:train --ab`); fastmm is separate. */
export function setFusedKernels(on: boolean): void {
  if (on) {
    installFastKernels();
    installFusedAdam();
    installFusedLayerNorm();
    installFusedGelu();
    installFusedSoftmax();
  } else {
    uninstallFastKernels();
    uninstallFusedAdam();
    uninstallFusedLayerNorm();
    uninstallFusedGelu();
    uninstallFusedSoftmax();
  }
}

function installFused(info: BackendInfo): void {
  setFusedKernels(true);
  const err = Math.max(
    selfTestFastKernels(),
    selfTestFusedAdam(),
    selfTestFusedLayerNorm(),
    selfTestFusedGelu(),
    selfTestFusedSoftmax(),
  );
  info.fusedMaxRelError = err;
  if (!(err <= FUSED_TOLERANCE)) {
    setFusedKernels(false);
    info.warnings.push(
      `fused wasm kernels (Sum, GatherV2, Identity, Cast, Exp, Transpose, clip+Adam, layer norm, GELU, attention softmax) disagreed with the stock path ` +
        `(max rel. error ${err.toExponential(2)} > ${FUSED_TOLERANCE}); using the stock kernels, training will be slower`,
    );
  }
}

async function tryWasm(info: BackendInfo, opts: LoadOptions): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  const threads = opts.wasmThreads ?? parseWasmThreads(process.env.DISTILL_BENCH_WASM_THREADS);
  // Checked here, before the binary loads, so a bad value stops the run like a bad thread count does.
  parseGemmKernel(process.env.DISTILL_BENCH_GEMM);
  if (threads > 1) await registerThreadedWasm(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  registerUnsortedSegmentSum();
  if (opts.fused ?? true) installFused(info);
  if (!(opts.fastMatMul ?? true)) return;
  installFastMatMul();
  const err = selfTestFastMatMul();
  info.fastMatMulMaxRelError = err;
  if (!(err <= FASTMM_TOLERANCE)) {
    uninstallFastMatMul();
    info.warnings.push(
      `fast BatchMatMul disagreed with the stock wasm kernel (max rel. error ${err.toExponential(2)} > ` +
        `${FASTMM_TOLERANCE}); using the stock kernel, training will be 3-8x slower`,
    );
  }
}

const RUNGS: Record<BackendName, (info: BackendInfo, opts: LoadOptions) => Promise<void>> = {
  'tensorflow-gpu': () => {
    // Several worker processes share a GPU (harness/runner/worker-count.ts); TensorFlow otherwise maps
    // nearly all GPU memory in the first process that starts, and the next cannot allocate.
    process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
    return tryNative('@tensorflow/tfjs-node-gpu');
  },
  tensorflow: () => tryNative('@tensorflow/tfjs-node'),
  webgpu: async () => {
    await loadWebGpu();
  },
  wasm: (info, opts) => tryWasm(info, opts),
  cpu: async () => {
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
  },
};

export interface LoadOptions {
  /** Force one rung (CLI --backend or DISTILL_BENCH_BACKEND); fails loudly if it cannot load. */
  backend?: string;
  /** wasm only: install the fast BatchMatMul override (default true; benchmarks turn it off to compare). */
  fastMatMul?: boolean;
  /** wasm only: install the fused/JS kernels (default true; `bench:train --unfused` turns them off). */
  fused?: boolean;
  /**
   * wasm only: threads per process (default 1, or DISTILL_BENCH_WASM_THREADS). Above 1 the threaded
   * binary is loaded (wasm-threads.ts); `run` then starts fewer workers (harness/runner/worker-count.ts).
   */
  wasmThreads?: number;
}

export function parseBackendName(name: string, field = '--backend'): BackendName {
  if ((BACKENDS as readonly string[]).includes(name)) return name as BackendName;
  throw new UsageError(
    `${field}: unknown backend '${name}'. Allowed: ${BACKENDS.join(', ')}. ` +
      'Fix: pick one of those, or unset it to let the ladder choose.',
    { field },
  );
}

/** Loads the best available backend once per process; later calls return the same info. */
export async function loadBackend(opts: LoadOptions = {}): Promise<BackendInfo> {
  const forced = opts.backend ?? process.env.DISTILL_BENCH_BACKEND;
  if (active) {
    if (forced && parseBackendName(forced) !== active.name) {
      throw new Error(`backend already initialised as '${active.name}', cannot switch to '${forced}'`);
    }
    return active;
  }
  const info: BackendInfo = {
    name: 'cpu',
    tfBackend: 'cpu',
    fastMatMul: false,
    fused: false,
    wasmThreads: 1,
    gemm: 'off',
    skipped: [],
    warnings: [],
  };
  const ladder = forced
    ? [parseBackendName(forced, forced === opts.backend ? '--backend' : 'DISTILL_BENCH_BACKEND')]
    : BACKENDS;
  for (const name of ladder) {
    try {
      await RUNGS[name](info, opts);
      info.name = name;
      info.tfBackend = tf.getBackend();
      info.fastMatMul = name === 'wasm' && fastMatMulInstalled();
      info.fused = name === 'wasm' && fusedAdamAvailable();
      info.wasmThreads = name === 'wasm' ? wasmThreadCount() : 1;
      info.gemm =
        name === 'wasm' && info.fastMatMul && wasmGemmOn() ? (heapGemmMode(tf.backend()) ?? 'off') : 'off';
      active = info;
      return info;
    } catch (err) {
      // A bad setting (DISTILL_BENCH_WASM_THREADS, DISTILL_BENCH_GEMM) is the user's to fix, not a rung to skip.
      if (err instanceof UsageError) throw err;
      if (forced) {
        throw new UsageError(
          `backend '${name}' could not be loaded: ${firstLine(err)}. ` +
            'Fix: run `distill-bench doctor` to see which backends work here, or unset --backend.',
          { field: '--backend' },
        );
      }
      info.skipped.push({ name, reason: firstLine(err) });
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${JSON.stringify(info.skipped)}`);
}

export function activeBackend(): BackendInfo | undefined {
  return active;
}
