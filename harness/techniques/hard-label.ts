import { z } from 'zod';
import { BatchSampler, encodeAll, lmLoss } from '../training/loop.ts';
import { finish, trainStudent } from './common.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z.object({ maxNewTokens: z.number().int().min(1).max(4096).default(96) }).strict();

/** Sequence-level KD: the student imitates the teacher's decoded outputs instead of gold. */
export const hardLabel: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'hard-label',
  description:
    'Sequence-level KD: the teacher greedily decodes a response to every training prompt and the student ' +
    'trains by cross-entropy on those responses instead of the gold ones. Teacher outputs are cached.',
  dataUse:
    'labelled: the teacher decodes its prompts and the student trains on those decodes. transfer: not yet used on this branch (the data-pool runner adds teacher decodes on it).',
  citation: 'Kim & Rush 2016, Sequence-Level Knowledge Distillation (EMNLP)',
  options: Options,
  optionDocs: { maxNewTokens: { doc: 'teacher decoding budget per prompt', range: '1-4096' } },
  minTeachers: 1,
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const prompts = ctx.data.splits.train.map((e) => e.prompt);
    const responses = teacher.respond(prompts, opts.maxNewTokens);
    const supervision = ctx.data.splits.train.map((e, i) => ({ ...e, response: responses[i] }));
    const student = ctx.newStudent();
    const sampler = new BatchSampler(
      encodeAll(ctx.tokenizer, supervision),
      ctx.training.batchSize,
      student.config.maxLen,
      ctx.seed,
    );
    const run = trainStudent(ctx, student, {
      nextBatch: () => sampler.next(),
      loss: (b) => lmLoss(student, b),
    });
    return { ...finish(ctx, student, run), supervision };
  },
};
