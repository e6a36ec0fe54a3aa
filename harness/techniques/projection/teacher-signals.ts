import { addNInOrder } from '../../engine/add-n.ts';
import { tf } from '../../engine/tf.ts';
import type { TrainBatch } from '../../text/batch.ts';
import { type Teacher, teacherModel } from '../teachers.ts';
import type { Granularity, ProjectionSpace } from './heads.ts';

/** What the frozen teacher ensemble contributes to one training step (constants for the tape). */
export interface TeacherSignals {
  /** T·log p̄ with p̄ = mean_k softmax(z_k / T): fed to `divergence` at temperature T it yields p̄ exactly. */
  ensembleLogits?: tf.Tensor2D;
  /** Alignment targets per student layer (ProjectionSpace.targets). */
  alignTargets?: tf.Tensor2D[];
}

/**
 * Runs every teacher once on the student's batch (same tokens, positions and mask: one vocabulary per
 * suite) outside the gradient tape and keeps only what the loss needs. The caller disposes the result.
 */
export function teacherSignals(
  teachers: Teacher[],
  batch: TrainBatch,
  opts: { temperature: number; logits: boolean; space?: ProjectionSpace; granularity: Granularity },
): TeacherSignals {
  const realTokens = batch.keyMask.reduce((n, m) => n + m, 0);
  for (const t of teachers) t.forwardTokens += realTokens;
  const out: TeacherSignals = {};
  // tf.keep inside the tidy is what survives it; everything else (teacher activations) is freed.
  tf.tidy(() => {
    const outs = teachers.map((t) => teacherModel(t, 'projection-lora').forward(batch));
    if (opts.logits) {
      // Mean of the *softened* distributions (ensemble logit KD), not a softened mean of log-probs.
      const probs = outs.map((o) => tf.softmax(tf.div(o.logits, opts.temperature)));
      const mean = tf.div(addNInOrder(probs), probs.length);
      out.ensembleLogits = tf.keep(tf.mul(tf.log(tf.maximum(mean, 1e-30)), opts.temperature) as tf.Tensor2D);
    }
    if (opts.space) {
      const keyMask = tf.tensor1d(batch.keyMask);
      const targets = opts.space.targets(
        outs.map((o) => o.hidden),
        keyMask,
        batch.batch,
        opts.granularity,
      );
      out.alignTargets = targets.map((t) => tf.keep(t));
    }
  });
  return out;
}

export function disposeSignals(s: TeacherSignals | undefined): void {
  if (!s) return;
  tf.dispose([...(s.ensembleLogits ? [s.ensembleLogits] : []), ...(s.alignTargets ?? [])]);
}
