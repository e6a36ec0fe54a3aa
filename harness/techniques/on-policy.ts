import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import { leftPad } from '../text/batch.ts';
import { generate } from '../text/generate.ts';
import { BatchSampler, targetTensors } from '../training/loop.ts';
import { divergence } from '../training/losses.ts';
import { obtainBaseStudent } from './base-student.ts';
import { exampleSampler, finish, trainStudent } from './common.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    lambda: z.number().min(0).max(1).default(0.5),
    beta: z.number().min(0).max(1).default(0.5),
    temperature: z.number().gt(0).max(10).default(1),
    maxNewTokens: z.number().int().min(1).max(4096).default(64),
  })
  .strict();

/**
 * GKD starts from a supervised fine-tuned student (Agarwal et al. §3): here the cached `none` student
 * (base-student.ts), whose steps are added to the cost. Then, with probability lambda a step's batch
 * is the student's own samples for transfer prompts (labelled prompts when the suite has no transfer
 * pool; no gradient through sampling), otherwise gold labelled pairs; either way the loss is
 * generalized JSD(beta) between teacher and student on those tokens, the teacher scoring the same
 * prefixes.
 */
export const onPolicy: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'on-policy',
  description:
    'On-policy distillation (GKD) from the fine-tuned `none` student: with probability lambda the batch is sampled ' +
    'from the student itself, otherwise gold; the teacher scores every token and the student minimizes generalized JSD(beta).',
  dataUse:
    'labelled: the `none` base student, then gold batches scored by the teacher. transfer: prompts the student ' +
    'samples on (labelled prompts when empty); the teacher scores the samples.',
  citation:
    'Agarwal et al. 2024, On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes (ICLR)',
  options: Options,
  optionDocs: {
    lambda: { doc: 'fraction of steps trained on student samples', range: '[0, 1]' },
    beta: { doc: 'JSD interpolation: 0 forward KL, 1 reverse KL', range: '[0, 1]' },
    temperature: { doc: 'student sampling temperature', range: '(0, 10]' },
    maxNewTokens: { doc: 'sample length budget', range: '1-4096' },
  },
  minTeachers: 1,
  teacherAccess: 'model',
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const base = await obtainBaseStudent(ctx);
    const student = base.model;
    const maxLen = student.config.maxLen;
    const gold = exampleSampler(ctx, student, ctx.labelled);
    const prompts = ctx.transfer.length ? ctx.transfer : ctx.labelled;
    const encPrompts = prompts.map((p) => ctx.tokenizer.encodePair(p.prompt, '').prompt);
    const promptSampler = new BatchSampler(
      encPrompts.map((seq) => ({ seq, lossFrom: seq.length })),
      ctx.training.batchSize,
      maxLen,
      `${ctx.seed}:on-policy-prompts`,
    );
    const coin = new Rng(`on-policy:${ctx.seed}`);
    let studentBatches = 0;
    const run = await trainStudent(ctx, student, {
      distillTerms: ['jsd'],
      nextBatch: async (step) => {
        if (coin.next() >= opts.lambda) return gold.next();
        studentBatches++;
        const idx = promptSampler.nextIndices();
        const samples = await generate(
          student,
          ctx.tokenizer,
          idx.map((i) => prompts[i].prompt),
          { maxNewTokens: opts.maxNewTokens, temperature: opts.temperature, seed: `${ctx.seed}:${step}` },
        );
        return leftPad(
          idx.map((i, j) => [...encPrompts[i], ...samples[j].ids]),
          idx.map((i) => encPrompts[i].length),
          maxLen,
        );
      },
      loss: (b) => {
        const teacherLogits = tf.tidy(() => teacherModel(teacher, 'on-policy').forward(b).logits);
        teacher.forwardTokens += b.batch * b.length;
        const { logits } = student.forward(b);
        const { mask } = targetTensors(b);
        const jsd = divergence(teacherLogits, logits, mask, { kind: 'jsd', beta: opts.beta, temperature: 1 });
        return { total: jsd, terms: { jsd } };
      },
    });
    // The student also cost the base's steps: count them, so equal-budget comparisons stay honest.
    run.cost.optimizerSteps += base.steps;
    return finish(ctx, student, run, {
      studentSampleBatches: studentBatches,
      basePretrainSteps: base.steps,
      baseFromCache: base.fromCache,
      baseKey: base.key,
    });
  },
};
