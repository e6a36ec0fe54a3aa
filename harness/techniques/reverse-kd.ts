import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { parameterCount } from '../models/config.ts';
import { epsilonForEntropy, meanPredictiveEntropy } from './label-smoothing-loss.ts';
import { distillFromLogProbs } from './soft-label.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    temperature: z.number().gt(0).max(100).default(1),
    alpha: z.number().min(0).max(1).default(0.5),
    defective: z.boolean().default(false),
  })
  .strict();

/**
 * Reverse KD (Yuan et al. 2020): soft-label KD on the gold labelled pool from a teacher that is
 * smaller than the student (Re-KD) or, with `defective`, poorly trained (De-KD, the suite gives the
 * teacher few steps). The loss is soft-label's (harness/techniques/soft-label.ts) on gold prefixes
 * only: no transfer decodes, so the weak teacher adds no labels, only its distribution. The matched
 * label-smoothing epsilon is recorded next to it so the `label-smoothing` control can be read
 * against the same entropy (docs/weak-to-strong.md).
 */
export const reverseKd: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'reverse-kd',
  description:
    'Reverse / defective KD: alpha*CE + (1-alpha)*T^2*KL(p_T^T || p_S^T) on the gold labelled pool from a teacher ' +
    'smaller than the student (or, with defective: true, poorly trained). Compare with label-smoothing, its matched-entropy control.',
  citation: 'Yuan et al. 2020, Revisiting Knowledge Distillation via Label Smoothing Regularization (CVPR)',
  options: Options,
  optionDocs: {
    temperature: { doc: 'softmax temperature T applied to both models', range: '(0, 100]' },
    alpha: { doc: 'weight of the gold cross-entropy term', range: '[0, 1]' },
    defective: {
      doc: 'allow a teacher not smaller than the student (it must then be poorly trained: give it few steps)',
      range: 'true, false',
    },
  },
  dataUse:
    "labelled: alpha*CE(gold) + (1-alpha)*KD on the gold prefix; transfer: unused (a weak teacher's decodes are weak-to-strong's job).",
  minTeachers: 1,
  teacherAccess: 'model',
  checkModels(opts, { student, teachers }) {
    if (opts.defective) return;
    const sp = parameterCount(student);
    for (const t of teachers) {
      const tp = parameterCount(t);
      if (tp >= sp)
        throw new UsageError(
          `technique reverse-kd: the teacher has ${tp} parameters, not fewer than the student's ${sp}. ` +
            'Fix: give the teacher a smaller model (reverse KD distils a small model into a large one), or set ' +
            'defective: true under this reverse-kd entry and give the teacher few training steps.',
          { field: 'techniques.options.defective' },
        );
    }
  },
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const model = teacherModel(teacher, 'reverse-kd');
    const lp = await teacher.logProbs(ctx.labelled);
    const entropy = meanPredictiveEntropy(lp, model.config.vocabSize, opts.temperature);
    return distillFromLogProbs(
      ctx,
      lp,
      { ...opts, divergence: 'forward-kl', beta: 0.5 },
      {
        teacherMeanEntropy: entropy,
        matchedEpsilon: epsilonForEntropy(entropy, ctx.studentConfig.vocabSize),
        teacherParameters: model.parameterCount(),
        defective: opts.defective,
      },
      ctx.labelled,
    );
  },
};
