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
 * Adam(W) with warm-up + cosine LR and global-norm gradient clipping (applyAdamUpdate in
 * adam-update.ts: one fused kernel on wasm, tfjs ops elsewhere); every update is one tidy scope. Each step reads the loss terms back once
 * (one sync) and refuses to apply an update computed from a NaN/Inf loss.
 */
export class AdamTrainer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  step = 0;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly opts: TrainingOptions,
  ) {
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

  /** One optimizer step on `lossFn`; returns the loss terms as numbers (plus 'total'). */
  minimize(lossFn: () => LossTerms): Record<string, number> {
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
      const stacked = tf.stack(kept);
      const nums = Array.from(stacked.dataSync());
      tf.dispose(kept);
      const bad = nums.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new TrainingDivergedError(this.step, names[bad], nums[bad]);
      applyAdamUpdate(this.vars, grads, this.m, this.v, this.opts, lr, lrT);
      return nums;
    });
    this.step++;
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
