import { Worker } from 'node:worker_threads';
import type { WasmGemm } from './gemm.ts';

/**
 * Splits one GEMM call over threads on a shared memory (the threaded tfjs build's heap): the calling
 * thread and `threads - 1` worker threads, each with its own instance of the same compiled kernel
 * module (gemm-thread.ts). A batch is dealt out slice by slice; a single product is cut into row
 * bands of whole micro-kernel tiles. Each output element is still one thread's dot product in the
 * kernel's fixed order, so the numbers do not depend on the thread count.
 *
 * Jobs go through a control block of int32s with Atomics wait/notify, not messages: a message costs a
 * trip through the event loop, and a training step makes about 50 of these calls.
 */
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
  scratch: 17,
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

/** One thread's share of the job in `ctl`: batch slices t, t+T, ... or row band t of every slice. */
export function runShare(g: WasmGemm, ctl: Int32Array, t: number, threads: number): void {
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
  /** Threads the last job ran on (tests check that the workers took part). */
  lastThreads = 0;

  constructor(
    private readonly g: WasmGemm,
    memory: WebAssembly.Memory,
    readonly threads: number,
    kernel: { fma: boolean; mr: number; nr: number },
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.scratch + threads)));
    const url = new URL('./gemm-thread.mjs', import.meta.url);
    for (let t = 1; t < threads; t++) {
      const w = new Worker(url, {
        workerData: { memory, module: g.module, ctl: this.ctl.buffer, t, threads, kernel },
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
      if (!parallel) {
        runShare(this.g, ctl, 0, 1);
        return;
      }
      Atomics.store(ctl, CTL.done, 0);
      ctl[CTL.spin] = spinMicros;
      Atomics.add(ctl, CTL.gen, 1);
      Atomics.notify(ctl, CTL.gen);
      runShare(this.g, ctl, 0, threads);
      const all = (d: number) => d >= threads - 1;
      for (let d = spinUntil(ctl, CTL.done, all, spinMicros); !all(d); d = Atomics.load(ctl, CTL.done)) {
        Atomics.wait(ctl, CTL.done, d);
      }
    } finally {
      for (const p of scratch) free(p);
    }
  }
}
