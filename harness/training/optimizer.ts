import { z } from 'zod';
import { tf } from '../engine/tf.ts';
import { TrainingDivergedError } from '../errors.ts';
import { applyAdamUpdate } from './adam-update.ts';
import { learningRate } from './schedule.ts';

export const TrainingOptionsSchema = z
  .object({
    steps: z.number().int().min(1).max(1_000_000),
    batchSize: z.number().int().min(1).max(4096).default(32),
    lr: z.number().positive().max(1).default(3e-3),
    warmupSteps: z.number().int().min(0).default(20),
    minLrRatio: z.number().min(0).max(1).default(0.1),
    clipNorm: z.number().positive().default(1.0),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.99),
    eps: z.number().positive().default(1e-8),
    weightDecay: z.number().min(0).default(0),
  })
  .strict();
export type TrainingOptions = z.infer<typeof TrainingOptionsSchema>;

/** What one loss function returns: the scalar to minimize and its named parts (for logging). */
export interface LossTerms {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/**
 * One optimizer step's logged values: its index, learning rate, loss terms (plus 'total') and the
 * global gradient norm √(Σg²) before clipping (not a loss term, so loss summaries ignore it).
 */
export interface StepLog {
  step: number;
  lr: number;
  terms: Record<string, number>;
  gradNorm: number;
}

/**
 * Steps whose loss terms are read back together. Each read is a GPU→CPU round trip (and on
 * webgpu the only kind that works in Node is async), so reading every step would stall the queue
 * once per step; 10 keeps that to one stall per 10 steps while holding only 10 tiny tensors.
 */
export const DEFAULT_READ_EVERY = 10;

interface PendingStep {
  step: number;
  lr: number;
  names: string[];
  /** The step's [total, ...terms, gradNorm] as one small tensor, kept until the window is read. */
  values: tf.Tensor1D;
}

/**
 * Adam(W) with warm-up + cosine LR and global-norm gradient clipping (applyAdamUpdate in
 * adam-update.ts: one fused kernel on wasm, tfjs ops elsewhere); every update is one tidy scope.
 * The loss terms of each step stay on the device as one small tensor; `read()` fetches a whole
 * window of them with one async read and checks them for NaN/Inf there. So an update computed from
 * a non-finite loss has already been applied (as have the rest of the window's) when the error is
 * thrown: the run fails either way, and the error names the first bad step and the window it was
 * found in.
 */
export class AdamTrainer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private pending: PendingStep[] = [];
  step = 0;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly opts: TrainingOptions,
    readonly readEvery = DEFAULT_READ_EVERY,
  ) {
    if (!Number.isInteger(readEvery) || readEvery < 1)
      throw new Error(`AdamTrainer: readEvery must be a positive integer, got ${readEvery}`);
    // tidy disposes the zeros tensor; the variable keeps its own reference to the data.
    const zeros = (x: tf.Variable) => tf.tidy(() => tf.variable(tf.zerosLike(x), false));
    this.m = vars.map(zeros);
    this.v = vars.map(zeros);
  }

  currentLr(): number {
    return learningRate(this.step, {
      ...this.opts,
      totalSteps: this.opts.steps,
      minRatio: this.opts.minLrRatio,
    });
  }

  /** One optimizer step on `lossFn`; its loss terms wait on the device for `read()`. */
  minimize(lossFn: () => LossTerms): void {
    const { beta1: b1, beta2: b2 } = this.opts;
    const lr = this.currentLr();
    const t = this.step + 1;
    const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    let names: string[] = [];
    const values = tf.tidy(() => {
      let kept: tf.Scalar[] = [];
      const { grads } = tf.variableGrads(() => {
        const out = lossFn();
        names = ['total', ...Object.keys(out.terms)];
        kept = [out.total, ...Object.values(out.terms)].map((s) => tf.keep(s));
        return out.total;
      }, this.vars);
      // The global norm the clipping used, as the update computed it; it rides in the same tensor as
      // the loss terms, so logging it costs no extra read.
      const gradNorm = applyAdamUpdate(this.vars, grads, this.m, this.v, this.opts, lr, lrT);
      const stacked = tf.stack([...kept, gradNorm]) as tf.Tensor1D;
      tf.dispose(kept);
      return stacked;
    });
    this.pending.push({ step: this.step, lr, names, values });
    this.step++;
  }

  /** Steps taken whose loss terms have not been read yet. */
  get unread(): number {
    return this.pending.length;
  }

  /**
   * Reads the unread steps' loss terms back, in step order, with one async read; with `due` set,
   * only once `readEvery` steps are waiting (otherwise returns []). Throws TrainingDivergedError on
   * the first non-finite value.
   */
  async read(opts: { due?: boolean } = {}): Promise<StepLog[]> {
    if (this.pending.length === 0 || (opts.due && this.pending.length < this.readEvery)) return [];
    const window = this.pending;
    this.pending = [];
    const all = tf.concat(window.map((p) => p.values));
    let flat: Float32Array;
    try {
      flat = (await all.data()) as Float32Array;
    } finally {
      tf.dispose([all, ...window.map((p) => p.values)]);
    }
    const logs: StepLog[] = [];
    let offset = 0;
    for (const p of window) {
      const nums = Array.from(flat.subarray(offset, offset + p.names.length));
      const gradNorm = flat[offset + p.names.length];
      offset += p.names.length + 1;
      const bad = nums.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0)
        throw new TrainingDivergedError(p.step, p.names[bad], nums[bad], [
          window[0].step,
          window[window.length - 1].step,
        ]);
      // A non-finite gradient norm with finite losses is recorded, not thrown (clipping handles it
      // as before); only the loss terms decide divergence.
      logs.push({
        step: p.step,
        lr: p.lr,
        terms: Object.fromEntries(p.names.map((n, i) => [n, nums[i]])),
        gradNorm,
      });
    }
    return logs;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, ...this.pending.map((p) => p.values)]);
    this.pending = [];
  }
}
