import { z } from 'zod';
import type { Example } from '../tasks/types.ts';
import { lmLoss } from '../training/loop.ts';
import { exampleSampler, finish, trainStudent } from './common.ts';
import type { TechniqueContext, TechniqueDefinition } from './types.ts';

const Options = z.object({ maxNewTokens: z.number().int().min(1).max(4096).default(96) }).strict();

/** Sequence-level KD: the student imitates the teacher's decoded outputs instead of gold. */
export const hardLabel: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'hard-label',
  description:
    'Sequence-level KD: the teacher greedily decodes a response to every transfer prompt and the student ' +
    'trains by cross-entropy on those responses plus the gold labelled pool (without pools: on teacher ' +
    'decodes of the train prompts instead of gold). Teacher outputs are cached.',
  citation: 'Kim & Rush 2016, Sequence-Level Knowledge Distillation (EMNLP)',
  options: Options,
  optionDocs: { maxNewTokens: { doc: 'teacher decoding budget per prompt', range: '1-4096' } },
  dataUse:
    'labelled: gold cross-entropy; transfer: cross-entropy on the teacher greedy decodes. Without pools the teacher decodes replace the gold of the shared train split.',
  minTeachers: 1,
  teacherAccess: 'outputs',
  async train(ctx, opts) {
    const supervision = await hardLabelSupervision(ctx, opts.maxNewTokens);
    const student = ctx.newStudent();
    const sampler = exampleSampler(ctx, student, supervision);
    const run = await trainStudent(ctx, student, {
      nextBatch: () => sampler.next(),
      loss: (b) => lmLoss(student, b),
    });
    return { ...finish(ctx, student, run), supervision };
  },
};

/**
 * Gold on the labelled pool plus teacher decodes on the transfer pool. Without a transfer pool (suites
 * without `data:`) the teacher's decodes replace the gold of the shared train split, as before pools.
 */
export async function hardLabelSupervision(ctx: TechniqueContext, maxNewTokens: number): Promise<Example[]> {
  const teacher = ctx.teachers[0];
  if (ctx.transfer.length === 0) {
    const responses = await teacher.respond(
      ctx.labelled.map((e) => e.prompt),
      maxNewTokens,
    );
    return ctx.labelled.map((e, i) => ({ ...e, response: responses[i] }));
  }
  const responses = await teacher.respond(
    ctx.transfer.map((e) => e.prompt),
    maxNewTokens,
  );
  return [...ctx.labelled, ...ctx.transfer.map((e, i) => ({ ...e, response: responses[i] }))];
}
