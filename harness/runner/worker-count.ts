import { cpus, totalmem } from 'node:os';
import type { BackendName } from '../engine/backend.ts';
import { detectGpus } from '../engine/gpus.ts';

/** What the default worker count is chosen from (doctor and `run` read them from this machine). */
export interface MachineFacts {
  backend: BackendName;
  cores: number;
  /** GPUs the backend can use (harness/engine/gpus.ts); 0 on CPU backends. */
  gpus: number;
  memoryGiB: number;
  /** Threads each worker's backend runs (wasm with DISTILL_BENCH_WASM_THREADS; 1 otherwise). */
  threadsPerWorker?: number;
}

export interface WorkerChoice {
  workers: number;
  /** Why, in one line, for `doctor` and the run's manifest. */
  reason: string;
}

/**
 * Worker processes per GPU. Not measured on a GPU here: BENCHMARKS.md#webgpu-through-dawn measured
 * every op costing 80-105 µs of CPU-side enqueue time whatever its size, so a model under ~1 M
 * parameters keeps a GPU mostly idle from one process; 4 processes overlap their launches and still
 * fit beside each other in GPU memory. `--workers` overrides it.
 */
export const WORKERS_PER_GPU = 4;

/**
 * Host memory budgeted per worker: a worker training `small` peaked at 527 MB RSS
 * (BENCHMARKS.md, first table), rounded up for the teacher and student it holds at once.
 */
export const GIB_PER_WORKER = 1;

const GPU_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

/**
 * The default `--workers`: on a CPU backend one per core (each worker runs one single-threaded
 * backend; BENCHMARKS.md#worker-processes); on a GPU backend WORKERS_PER_GPU per GPU, but never more
 * than the cores (each worker is one CPU thread launching ops). Both capped by host memory.
 */
export function chooseWorkers(m: MachineFacts): WorkerChoice {
  const cores = Math.max(1, m.cores);
  const byMemory = Math.max(1, Math.floor(m.memoryGiB / GIB_PER_WORKER));
  let workers: number;
  let reason: string;
  if (GPU_BACKENDS.includes(m.backend)) {
    const gpus = Math.max(1, m.gpus);
    const wanted = WORKERS_PER_GPU * gpus;
    workers = Math.min(wanted, cores);
    reason =
      `${WORKERS_PER_GPU} per GPU x ${gpus} GPU${gpus === 1 ? '' : 's'} on ${m.backend}: small models are ` +
      'op-launch-bound, so several processes overlap their kernel launches on one GPU' +
      (workers < wanted ? `; capped at the ${cores} CPU cores (each worker launches ops from one)` : '');
  } else if ((m.threadsPerWorker ?? 1) > 1) {
    const t = m.threadsPerWorker ?? 1;
    workers = Math.max(1, Math.floor(cores / t));
    reason = `${cores} CPU cores / ${t} wasm threads per worker on ${m.backend}, so the threads do not oversubscribe the cores`;
  } else {
    workers = cores;
    reason = `one per CPU core (${cores}) on ${m.backend}: each worker runs a single-threaded backend`;
  }
  if (byMemory < workers) {
    workers = byMemory;
    reason += `; capped at ${byMemory} by memory (${m.memoryGiB} GiB, ${GIB_PER_WORKER} GiB per worker)`;
  }
  return { workers, reason };
}

/** This machine's facts for the loaded backend. */
export function machineFacts(
  backend: BackendName,
  threadsPerWorker = 1,
): MachineFacts & { gpuSource: string } {
  const gpus = detectGpus(backend);
  return {
    backend,
    threadsPerWorker,
    cores: cpus().length,
    gpus: gpus.count,
    gpuSource: gpus.source,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
  };
}
