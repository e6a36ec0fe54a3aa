import { tf } from '../engine/tf.ts';
import type { TransformerLM } from '../models/transformer.ts';
import type { Example } from '../tasks/types.ts';
import type { TrainBatch } from '../text/batch.ts';
import { BatchSampler, encodeAll, type StepLog, trainLoop } from '../training/loop.ts';
import type { LossTerms } from '../training/optimizer.ts';
import type { CostRecord, TechniqueContext, TechniqueResult } from './types.ts';

/** A distillation term whose mean size stays under 1% of CE trained nothing (loss-scale check). */
const TINY_TERM_RATIO = 0.01;

export function lossScaleWarnings(magnitudes: Record<string, number>, distillTerms: string[]): string[] {
  const ce = magnitudes.ce;
  if (!ce) return [];
  return distillTerms
    .filter((t) => magnitudes[t] !== undefined && magnitudes[t] < TINY_TERM_RATIO * ce)
    .map(
      (t) =>
        `loss term '${t}' averaged ${magnitudes[t].toExponential(2)}, under 1% of CE (${ce.toExponential(2)}) ` +
        'for the whole run: the student got almost no distillation signal (raise its weight or temperature)',
    );
}

export interface TrainRun {
  history: StepLog[];
  cost: Omit<CostRecord, 'teacherForwardTokens' | 'teacherGenerations' | 'extra'>;
}

/**
 * Trains `student` for the context's step budget and assembles the cost record. Techniques supply the
 * batches and the loss; everything they all report (wall time, memory, loss scales) is measured here.
 */
export async function trainStudent(
  ctx: TechniqueContext,
  student: TransformerLM,
  args: {
    nextBatch: (step: number) => TrainBatch | Promise<TrainBatch>;
    loss: (batch: TrainBatch, step: number) => LossTerms;
    distillTerms?: string[];
    vars?: tf.Variable[];
    steps?: number;
    onStep?: (step: { step: number; lr: number }) => void | Promise<void>;
  },
): Promise<TrainRun> {
  const t0 = performance.now();
  const vars = args.vars ?? student.trainableVariables();
  const training = { ...ctx.training, steps: args.steps ?? ctx.training.steps };
  const res = await trainLoop({
    vars,
    training,
    nextBatch: args.nextBatch,
    loss: args.loss,
    onStep: args.onStep,
  });
  const trainable = vars.reduce((n, v) => n + v.size, 0);
  // A program teacher has no parameters to compare with.
  const teacherParams = Math.max(0, ...ctx.teachers.map((t) => t.model?.parameterCount() ?? 0));
  return {
    history: res.history,
    cost: {
      optimizerSteps: training.steps,
      studentTokens: res.tokensSeen,
      trainableParameters: trainable,
      trainablePctOfTeacher: teacherParams ? (100 * trainable) / teacherParams : 0,
      wallTimeMs: Math.round(performance.now() - t0),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      finalLosses: res.final,
      lossMagnitudes: res.meanMagnitude,
      warnings: lossScaleWarnings(res.meanMagnitude, args.distillTerms ?? []),
    },
  };
}

/** Completes a cost record with the teachers' counters and returns the technique result. */
export function finish(
  ctx: TechniqueContext,
  student: TransformerLM,
  run: TrainRun,
  extra?: Record<string, unknown>,
): TechniqueResult {
  for (const w of run.cost.warnings) ctx.log.warn(w);
  return {
    student,
    history: run.history,
    cost: {
      ...run.cost,
      teacherForwardTokens: ctx.teachers.reduce((n, t) => n + t.forwardTokens, 0),
      teacherGenerations: ctx.teachers.reduce((n, t) => n + t.generations, 0),
      extra,
    },
  };
}

/**
 * Lays per-example teacher log-probs (rows = response positions) onto a batch's flattened
 * [batch·length, V] grid, at the positions whose lossMask is 1, in the same order teacherForced
 * produced them. Other rows stay 0 (their loss weight is 0).
 */
export function alignTeacherRows(batch: TrainBatch, perExample: Float32Array[], vocab: number): tf.Tensor2D {
  const out = new Float32Array(batch.batch * batch.length * vocab);
  for (let b = 0; b < batch.batch; b++) {
    let j = 0;
    const src = perExample[b];
    const first = src.length / vocab - countMasked(batch, b);
    for (let i = 0; i < batch.length; i++) {
      const at = b * batch.length + i;
      if (batch.lossMask[at] > 0) {
        // Truncated prompts keep the response's end, so skip rows cut off at the start.
        out.set(src.subarray((first + j) * vocab, (first + j + 1) * vocab), at * vocab);
        j++;
      }
    }
  }
  return tf.tensor2d(out, [batch.batch * batch.length, vocab]);
}

function countMasked(batch: TrainBatch, b: number): number {
  let n = 0;
  for (let i = 0; i < batch.length; i++) n += batch.lossMask[b * batch.length + i];
  return n;
}

/** Batches of `examples` for `student` at the suite's batch size, shuffled by the run seed. */
export function exampleSampler(
  ctx: TechniqueContext,
  student: TransformerLM,
  examples: Example[],
): BatchSampler {
  return new BatchSampler(
    encodeAll(ctx.tokenizer, examples),
    ctx.training.batchSize,
    student.config.maxLen,
    ctx.seed,
  );
}
