import { z } from 'zod';
import { tf } from '../engine/tf.ts';
import type { Example } from '../tasks/types.ts';
import { targetTensors } from '../training/loop.ts';
import { crossEntropy, divergence } from '../training/losses.ts';
import { alignTeacherRows, exampleSampler, finish, trainStudent } from './common.ts';
import type { TechniqueContext, TechniqueDefinition, TechniqueResult } from './types.ts';

const Options = z
  .object({
    temperature: z.number().gt(0).max(100).default(2),
    alpha: z.number().min(0).max(1).default(0.5),
    divergence: z.enum(['forward-kl', 'reverse-kl', 'jsd']).default('forward-kl'),
    beta: z.number().min(0).max(1).default(0.5),
    maxNewTokens: z.number().int().min(1).max(4096).default(96),
  })
  .strict();

/**
 * Hinton KD per token, teacher-forced on the gold prefix:
 * alpha·CE(gold) + (1−alpha)·T²·D(p_T^T, p_S^T). Teacher log-probs on the training set are computed
 * once and reused every epoch (they do not depend on the student).
 */
export const softLabel: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'soft-label',
  description:
    'Token-level KD: alpha*CE + (1-alpha)*T^2*KL(p_T^T || p_S^T) on the gold labelled pool and on the ' +
    "teacher's greedy decodes of the transfer prompts (Seq-KD + Word-KD); the divergence can also be " +
    'reverse KL or generalized JSD(beta).',
  citation: 'Hinton, Vinyals & Dean 2015, Distilling the Knowledge in a Neural Network',
  options: Options,
  optionDocs: {
    temperature: { doc: 'softmax temperature T applied to both models', range: '(0, 100]' },
    alpha: { doc: 'weight of the gold cross-entropy term', range: '[0, 1]' },
    divergence: { doc: 'forward-kl | reverse-kl | jsd', range: 'forward-kl, reverse-kl, jsd' },
    beta: { doc: 'JSD interpolation (only with divergence=jsd)', range: '[0, 1]' },
    maxNewTokens: { doc: 'teacher decoding budget per transfer prompt', range: '1-4096' },
  },
  dataUse:
    'labelled: alpha*CE(gold) + (1-alpha)*KD on the gold prefix; transfer: the same loss on the teacher greedy decodes (Seq-KD + Word-KD).',
  minTeachers: 1,
  teacherAccess: 'model',
  async train(ctx, opts) {
    const train = await softLabelExamples(ctx, opts.maxNewTokens);
    return distillFromLogProbs(ctx, await ctx.teachers[0].logProbs(train), opts, undefined, train);
  },
};

/**
 * The soft-label loop over precomputed teacher log-probs (one Float32Array of [rows × V] per training
 * example): shared by `soft-label` (one teacher) and `multi-teacher` (the teachers' mean distribution).
 */
export async function distillFromLogProbs(
  ctx: TechniqueContext,
  teacherLp: Float32Array[],
  opts: Pick<z.infer<typeof Options>, 'temperature' | 'alpha' | 'divergence' | 'beta'>,
  extra?: Record<string, unknown>,
  train: Example[] = ctx.labelled,
): Promise<TechniqueResult> {
  const student = ctx.newStudent();
  const V = student.config.vocabSize;
  const sampler = exampleSampler(ctx, student, train);
  let indices: number[] = [];
  const run = await trainStudent(ctx, student, {
    distillTerms: ['kd'],
    nextBatch: () => {
      indices = sampler.nextIndices();
      return sampler.batchOf(indices);
    },
    loss: (b) => {
      const { logits } = student.forward(b);
      const { targets, mask } = targetTensors(b);
      const ce = crossEntropy(logits, targets, mask);
      const tLogits = alignTeacherRows(
        b,
        indices.map((i) => teacherLp[i]),
        V,
      );
      const kd = divergence(tLogits, logits, mask, {
        kind: opts.divergence,
        temperature: opts.temperature,
        beta: opts.beta,
        scaleByT2: true,
      });
      const total = tf.add(tf.mul(ce, opts.alpha), tf.mul(kd, 1 - opts.alpha)) as tf.Scalar;
      return { total, terms: { ce, kd } };
    },
  });
  return { ...finish(ctx, student, run, extra), supervision: train };
}

/**
 * The gold labelled pool plus the teacher's greedy decodes of the transfer prompts (Kim & Rush 2016:
 * Word-KD on Seq-KD data). Without a transfer pool this is the labelled pool alone, as before pools.
 */
export async function softLabelExamples(ctx: TechniqueContext, maxNewTokens: number): Promise<Example[]> {
  if (ctx.transfer.length === 0) return ctx.labelled;
  const responses = await ctx.teachers[0].respond(
    ctx.transfer.map((e) => e.prompt),
    maxNewTokens,
  );
  return [...ctx.labelled, ...ctx.transfer.map((e, i) => ({ ...e, response: responses[i] }))];
}
