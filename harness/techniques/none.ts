import { z } from 'zod';
import { lmLoss } from '../training/loop.ts';
import { exampleSampler, finish, trainStudent } from './common.ts';
import type { TechniqueDefinition } from './types.ts';

/** Gold data only: the baseline every distillation gain is measured against. */
export const none: TechniqueDefinition<Record<string, never>> = {
  id: 'none',
  description: 'No distillation: the student trains by cross-entropy on the gold training data only.',
  dataUse: 'labelled: gold CE. transfer: unused.',
  citation: 'baseline',
  options: z.object({}).strict(),
  optionDocs: {},
  minTeachers: 0,
  teacherAccess: 'outputs',
  async train(ctx) {
    const student = ctx.newStudent();
    const sampler = exampleSampler(ctx, student, ctx.labelled);
    const run = await trainStudent(ctx, student, {
      nextBatch: () => sampler.next(),
      loss: (b) => lmLoss(student, b),
    });
    return { ...finish(ctx, student, run), supervision: ctx.labelled };
  },
};
