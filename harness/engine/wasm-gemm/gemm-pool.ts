import { Worker } from 'node:worker_threads';
import { SPLIT_NAMES, SPLITTABLE, type SplitName, simdModule } from '../wasm-simd/module.ts';
import type { WasmGemm } from './gemm.ts';

/**
 * Splits one GEMM call over threads on a shared memory (the threaded tfjs build's heap): the calling
 * thread and `threads - 1` worker threads, each with its own instance of the same compiled kernel
 * module (gemm-thread.ts). A batch is dealt out slice by slice; a single product is cut into row
 * bands of whole micro-kernel tiles. Each output element is still one thread's dot product in the
 * kernel's fixed order, so the numbers do not depend on the thread count.
 *
 * The same threads also take shares of the elementwise f32x4 kernels (wasm-simd/module.ts's SPLITTABLE: GELU,
 * exp, Adam, layer norm), each on its own range of independent elements or rows, so those numbers do not
 * depend on the thread count either.
 *
 * Jobs go through a control block of int32s with Atomics wait/notify, not messages: a message costs a
 * trip through the event loop, and a training step makes about 50 of these calls.
 */
/** The most parameters a split kernel has (adam's 16). */
const MAX_ARGS = 16;

export const CTL = {
  gen: 0,
  done: 1,
  ready: 2,
  a: 3,
  b: 4,
  c: 5,
  m: 6,
  k: 7,
  n: 8,
  ta: 9,
  tb: 10,
  batch: 11,
  sa: 12,
  sb: 13,
  sc: 14,
  band: 15,
  spin: 16,
  /** 0: a product (the fields above); 1: a split kernel (fn, args, strides below). */
  kind: 17,
  fn: 18,
  args: 19,
  strides: 19 + MAX_ARGS,
  scratch: 19 + 2 * MAX_ARGS,
} as const;

/**
 * How long (µs) a thread that has finished its share polls for the next job, or for the others to finish,
 * before it sleeps in Atomics.wait. On this KVM guest a futex wake-up of an idle vCPU costs more than a
 * band of a small product takes (BENCHMARKS.md#gemm-threads-spin-before-sleeping); the products of a
 * training step come every 1-3 ms, so a short poll catches most of them awake.
 */
export const DEFAULT_GEMM_SPIN_US = 2000;
let spinMicros = DEFAULT_GEMM_SPIN_US;

/** Sets the poll time before sleeping (0: sleep at once); for `bench:train --ab spin`. */
export function setGemmSpin(micros: number): void {
  spinMicros = micros;
}

/** Polls `ctl[i]` until `done(value)` or `micros` pass; returns the last value read. */
export function spinUntil(ctl: Int32Array, i: number, done: (v: number) => boolean, micros: number): number {
  const until = performance.now() + micros / 1000;
  let v = Atomics.load(ctl, i);
  while (!done(v) && performance.now() < until) v = Atomics.load(ctl, i);
  return v;
}

/** Below this many multiply-adds a product runs on the calling thread alone (waking threads costs ~10-50 µs). */
const MIN_PARALLEL_MACS = 1 << 20;

/** Below this many floats a split kernel runs on the calling thread alone. */
const MIN_PARALLEL_FLOATS = 1 << 15;

/** The kernels `split` spreads over the threads (all by default); for `bench:train --ab split`. */
let splitKernels = new Set<SplitName>(SPLIT_NAMES);
export function setSplitKernels(names: readonly SplitName[]): void {
  splitKernels = new Set(names);
}

/** The exports of the kernel module as instantiated on the shared memory, by name. */
export type SimdExports = Record<string, (...args: number[]) => void>;

/** One thread's share of the job in `ctl`. */
export function runShare(g: WasmGemm, simd: SimdExports, ctl: Int32Array, t: number, threads: number): void {
  if (ctl[CTL.kind] === 1) runSplitShare(simd, ctl, t, threads);
  else runGemmShare(g, ctl, t, threads);
}

/** Units [t·chunk, (t+1)·chunk) of the split kernel, chunk a multiple of its alignment. */
function runSplitShare(simd: SimdExports, ctl: Int32Array, t: number, threads: number): void {
  const name = SPLIT_NAMES[ctl[CTL.fn]];
  const { count, align } = SPLITTABLE[name];
  const params = simd[name].length;
  const args = Array.from({ length: params }, (_, i) => ctl[CTL.args + i] >>> 0);
  const units = args[count];
  const chunk = Math.ceil(Math.ceil(units / threads) / align) * align;
  const [lo, hi] = [Math.min(units, t * chunk), Math.min(units, (t + 1) * chunk)];
  if (lo >= hi) return;
  const share = args.map((a, i) => (i === count ? hi - lo : a + lo * ctl[CTL.strides + i]));
  simd[name](...share);
}

/** Batch slices t, t+T, ... or row band t of every slice. */
function runGemmShare(g: WasmGemm, ctl: Int32Array, t: number, threads: number): void {
  const u = (i: number) => ctl[i] >>> 0;
  const [m, k, n, batch] = [u(CTL.m), u(CTL.k), u(CTL.n), u(CTL.batch)];
  const [ta, tb] = [ctl[CTL.ta] === 1, ctl[CTL.tb] === 1];
  const scratch = u(CTL.scratch + t);
  const at = (i: number) => [u(CTL.a) + i * u(CTL.sa), u(CTL.b) + i * u(CTL.sb), u(CTL.c) + i * u(CTL.sc)];
  const band = u(CTL.band);
  if (band === 0) {
    for (let i = t; i < batch; i += threads) {
      const [a, b, c] = at(i);
      g.matmul(a, b, c, m, k, n, ta, tb, scratch);
    }
    return;
  }
  const rows: [number, number] = [Math.min(m, t * band), Math.min(m, (t + 1) * band)];
  if (rows[0] >= rows[1]) return;
  for (let i = 0; i < batch; i++) {
    const [a, b, c] = at(i);
    g.matmul(a, b, c, m, k, n, ta, tb, scratch, rows);
  }
}

export interface GemmJob {
  a: number;
  b: number;
  c: number;
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
  batch: number;
  /** Byte strides between batch slices (0: one matrix shared by every slice). */
  sa: number;
  sb: number;
  sc: number;
}

export class GemmPool {
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  /** This thread's instance of the kernel module on the shared memory (empty on an unshared one). */
  private readonly simd: SimdExports = {};
  /** Threads the last job ran on (tests check that the workers took part). */
  lastThreads = 0;

  constructor(
    private readonly g: WasmGemm,
    memory: WebAssembly.Memory,
    readonly threads: number,
    kernel: { fma: boolean; mr: number; nr: number },
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.scratch + threads)));
    if (threads <= 1) return;
    const simd = simdModule(true);
    this.simd = new WebAssembly.Instance(simd, { env: { memory } }).exports as SimdExports;
    const url = new URL('./gemm-thread.mjs', import.meta.url);
    for (let t = 1; t < threads; t++) {
      const w = new Worker(url, {
        workerData: { memory, module: g.module, simd, ctl: this.ctl.buffer, t, threads, kernel },
      });
      // Idle threads wait in Atomics.wait; they must not keep the process alive.
      w.unref();
      this.workers.push(w);
    }
  }

  /** Resolves once every worker thread has started (tests; `run` does not wait, it computes alone until then). */
  async whenReady(timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (!this.ready) {
      if (Date.now() - t0 > timeoutMs) throw new Error('GEMM worker threads did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Whether every worker thread has started (until then jobs run on the calling thread). */
  get ready(): boolean {
    return Atomics.load(this.ctl, CTL.ready) === this.threads - 1;
  }

  /**
   * Runs a SPLITTABLE kernel of the shared memory's module on all threads when it is large enough; `args` as
   * the kernel takes them (byte offsets, counts, float bits). false where this pool cannot (no worker
   * threads), and the caller runs its own instance.
   */
  split(name: SplitName, args: readonly number[], floats: number): boolean {
    if (this.threads <= 1) return false;
    const parallel = this.ready && floats >= MIN_PARALLEL_FLOATS && splitKernels.has(name);
    const threads = parallel ? this.threads : 1;
    this.lastThreads = threads;
    const ctl = this.ctl;
    ctl[CTL.kind] = 1;
    ctl[CTL.fn] = SPLIT_NAMES.indexOf(name);
    const strides = SPLITTABLE[name].strides(args);
    args.forEach((a, i) => {
      ctl[CTL.args + i] = a | 0;
      ctl[CTL.strides + i] = strides[i];
    });
    this.dispatch(threads);
    return true;
  }

  /** Runs the job, on all threads when it is large enough; `malloc`/`free` give scratch in the shared heap. */
  run(job: GemmJob, malloc: (bytes: number) => number, free: (ptr: number) => void): void {
    const { m, k, n, batch } = job;
    const parallel = this.threads > 1 && this.ready && batch * m * k * n >= MIN_PARALLEL_MACS;
    const threads = parallel ? this.threads : 1;
    this.lastThreads = threads;
    const band = batch >= threads ? 0 : Math.ceil(Math.ceil(m / threads) / this.g.mr) * this.g.mr;
    const bytes = this.g.scratchBytes(band === 0 ? m : band, k, n);
    const ctl = this.ctl;
    const fields: [number, number][] = [
      [CTL.kind, 0],
      [CTL.a, job.a],
      [CTL.b, job.b],
      [CTL.c, job.c],
      [CTL.m, m],
      [CTL.k, k],
      [CTL.n, n],
      [CTL.ta, job.ta ? 1 : 0],
      [CTL.tb, job.tb ? 1 : 0],
      [CTL.batch, batch],
      [CTL.sa, job.sa],
      [CTL.sb, job.sb],
      [CTL.sc, job.sc],
      [CTL.band, band],
    ];
    for (const [i, v] of fields) ctl[i] = v | 0;
    const scratch = Array.from({ length: threads }, () => malloc(bytes));
    try {
      scratch.forEach((p, t) => {
        ctl[CTL.scratch + t] = p | 0;
      });
      this.dispatch(threads);
    } finally {
      for (const p of scratch) free(p);
    }
  }

  /** Runs the job in ctl: share 0 here, the others on the workers when `threads` > 1, back when all are done. */
  private dispatch(threads: number): void {
    const ctl = this.ctl;
    if (threads === 1) {
      runShare(this.g, this.simd, ctl, 0, 1);
      return;
    }
    Atomics.store(ctl, CTL.done, 0);
    ctl[CTL.spin] = spinMicros;
    Atomics.add(ctl, CTL.gen, 1);
    Atomics.notify(ctl, CTL.gen);
    runShare(this.g, this.simd, ctl, 0, threads);
    const all = (d: number) => d >= threads - 1;
    for (let d = spinUntil(ctl, CTL.done, all, spinMicros); !all(d); d = Atomics.load(ctl, CTL.done)) {
      Atomics.wait(ctl, CTL.done, d);
    }
  }
}
