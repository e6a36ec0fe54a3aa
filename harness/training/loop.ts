import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { encodeExample, leftPad, type TrainBatch } from '../text/batch.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';
import { crossEntropy } from './losses.ts';
import { AdamTrainer, type LossTerms, type StepLog, type TrainingOptions } from './optimizer.ts';

export type { StepLog } from './optimizer.ts';

export interface EncodedExample {
  seq: number[];
  lossFrom: number;
}

export function encodeAll(
  tok: CharTokenizer,
  pairs: { prompt: string; response: string }[],
): EncodedExample[] {
  return pairs.map((p) => encodeExample(tok, p.prompt, p.response));
}

/** Seeded epoch-shuffled batches: every example once per epoch, order fixed by the seed. */
export class BatchSampler {
  private order: number[] = [];
  private cursor = 0;
  readonly rng: Rng;

  constructor(
    private readonly data: EncodedExample[],
    private readonly batchSize: number,
    private readonly maxLen: number,
    seed: number | string,
  ) {
    if (data.length === 0) throw new Error('BatchSampler: no training examples');
    this.rng = new Rng(`data-order:${seed}`);
  }

  /** Indices of the next batch (exposed so techniques can fetch cached per-example teacher data). */
  nextIndices(): number[] {
    const idx: number[] = [];
    while (idx.length < Math.min(this.batchSize, this.data.length)) {
      if (this.cursor >= this.order.length) {
        this.order = this.rng.shuffle(Array.from(this.data.keys()));
        this.cursor = 0;
      }
      idx.push(this.order[this.cursor++]);
    }
    return idx;
  }

  batchOf(indices: number[]): TrainBatch {
    return leftPad(
      indices.map((i) => this.data[i].seq),
      indices.map((i) => this.data[i].lossFrom),
      this.maxLen,
    );
  }

  next(): TrainBatch {
    return this.batchOf(this.nextIndices());
  }
}

/** Tensors of a batch's targets and loss mask (inside the caller's tidy). */
export function targetTensors(batch: TrainBatch): { targets: tf.Tensor1D; mask: tf.Tensor1D } {
  return { targets: tf.tensor1d(batch.targets, 'int32'), mask: tf.tensor1d(batch.lossMask) };
}

/** Plain language-model loss: cross-entropy on response tokens. */
export function lmLoss(model: TransformerLM, batch: TrainBatch): LossTerms {
  const { logits } = model.forward(batch);
  const { targets, mask } = targetTensors(batch);
  const ce = crossEntropy(logits, targets, mask);
  return { total: ce, terms: { ce } };
}

export interface TrainResult {
  history: StepLog[];
  /** Mean of each term over the last 10% of steps (at least one step). */
  final: Record<string, number>;
  /** Mean absolute value of each term over the whole run (loss-scale diagnostics). */
  meanMagnitude: Record<string, number>;
  tokensSeen: number;
}

/**
 * Runs `training.steps` optimizer steps of `loss` over batches from `nextBatch`. `onStep` runs after
 * each step, before its loss terms are read (they are read `readEvery` steps at a time, see
 * AdamTrainer), so it gets the step's index and learning rate only; `history` has every step's terms.
 */
export async function trainLoop(args: {
  vars: tf.Variable[];
  training: TrainingOptions;
  /** May be async: some techniques decode from the student to build a round's batches. */
  nextBatch: (step: number) => TrainBatch | Promise<TrainBatch>;
  loss: (batch: TrainBatch, step: number) => LossTerms;
  onStep?: (step: { step: number; lr: number }) => void | Promise<void>;
  readEvery?: number;
}): Promise<TrainResult> {
  const trainer = new AdamTrainer(args.vars, args.training, args.readEvery);
  const history: StepLog[] = [];
  let tokensSeen = 0;
  try {
    for (let step = 0; step < args.training.steps; step++) {
      const batch = await args.nextBatch(step);
      tokensSeen += batch.lossTokens;
      const lr = trainer.currentLr();
      trainer.minimize(() => args.loss(batch, step));
      history.push(...(await trainer.read({ due: true })));
      await args.onStep?.({ step, lr });
    }
    history.push(...(await trainer.read()));
  } finally {
    trainer.dispose();
  }
  return {
    history,
    final: summarize(history, 0.9, false),
    meanMagnitude: summarize(history, 0, true),
    tokensSeen,
  };
}

function summarize(history: StepLog[], fromFraction: number, abs: boolean): Record<string, number> {
  const tail = history.slice(Math.min(history.length - 1, Math.floor(history.length * fromFraction)));
  const sums: Record<string, { s: number; n: number }> = {};
  for (const h of tail) {
    for (const [k, v] of Object.entries(h.terms)) {
      sums[k] ??= { s: 0, n: 0 };
      sums[k].s += abs ? Math.abs(v) : v;
      sums[k].n++;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, { s, n }]) => [k, s / n]));
}
