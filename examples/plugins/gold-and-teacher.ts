// A technique plugin: the student trains on the gold responses AND the teacher's decoded responses
// to the same prompts (sequence-level KD as data augmentation, Kim & Rush 2016 §3), where
// `hard-label` replaces gold with the teacher's outputs. Registers `gold-and-teacher` when imported.
import {
  BatchSampler,
  encodeAll,
  finish,
  lmLoss,
  type TechniqueDefinition,
  techniqueRegistry,
  trainStudent,
} from 'distill-bench';
import { z } from 'zod';

const options = z.object({ maxNewTokens: z.number().int().min(1).max(4096).default(32) }).strict();

export const goldAndTeacher: TechniqueDefinition<z.infer<typeof options>> = {
  id: 'gold-and-teacher',
  description: "Cross-entropy on the gold responses plus the teacher's decoded responses (example plugin).",
  dataUse: 'labelled: gold CE plus the teacher decodes on its prompts.',
  citation: 'Kim & Rush 2016, Sequence-Level Knowledge Distillation (EMNLP)',
  options,
  optionDocs: { maxNewTokens: { doc: 'teacher decoding budget per prompt', range: '1-4096' } },
  minTeachers: 1,
  async train(ctx, opts) {
    const gold = ctx.data.splits.train;
    const responses = await ctx.teachers[0].respond(
      gold.map((e) => e.prompt),
      opts.maxNewTokens,
    );
    const fromTeacher = gold.map((e, i) => ({ ...e, id: `${e.id}#teacher`, response: responses[i] }));
    const supervision = [...gold, ...fromTeacher];
    const student = ctx.newStudent();
    const sampler = new BatchSampler(
      encodeAll(ctx.tokenizer, supervision),
      ctx.training.batchSize,
      student.config.maxLen,
      ctx.seed,
    );
    const run = await trainStudent(ctx, student, { nextBatch: () => sampler.next(), loss: (b) => lmLoss(student, b) });
    return { ...finish(ctx, student, run), supervision };
  },
};

techniqueRegistry.register(goldAndTeacher);
