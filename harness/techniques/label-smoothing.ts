import { z } from 'zod';
import { targetTensors } from '../training/loop.ts';
import { exampleSampler, finish, trainStudent } from './common.ts';
import { epsilonForEntropy, meanPredictiveEntropy, smoothedCrossEntropy } from './label-smoothing-loss.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueContext, TechniqueDefinition, TechniqueResult } from './types.ts';

const Options = z.object({ temperature: z.number().gt(0).max(100).default(1) }).strict();

/**
 * The control for reverse KD (docs/weak-to-strong.md): Yuan et al. read KD from a weak teacher as
 * label smoothing with a learned smoothing distribution. This trains on the same gold pool with
 * uniform smoothing of the same strength, measured as entropy: ε is solved so the smoothed target's
 * entropy equals the teacher's mean predictive entropy on the labelled pool. If reverse-kd beats
 * this row, the teacher's distribution carried more than regularization.
 */
export const labelSmoothing: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'label-smoothing',
  description:
    'Label smoothing, the control for reverse-kd: CE against (1-eps)*gold + eps*uniform on the labelled pool, ' +
    "where eps is computed so the smoothed target's entropy equals the teacher's mean predictive entropy " +
    "(at the given temperature) over the labelled pool's response tokens. The teacher is only measured, never imitated.",
  citation:
    'Yuan et al. 2020, Revisiting Knowledge Distillation via Label Smoothing Regularization (CVPR); Szegedy et al. 2016, Rethinking the Inception Architecture',
  options: Options,
  optionDocs: {
    temperature: {
      doc: "temperature of the teacher distribution whose entropy is matched (use reverse-kd's temperature)",
      range: '(0, 100]',
    },
  },
  dataUse:
    "labelled: smoothed gold cross-entropy; the teacher's forward pass on it only sets eps. transfer: unused.",
  minTeachers: 1,
  teacherAccess: 'model',
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const model = teacherModel(teacher, 'label-smoothing');
    const lp = await teacher.logProbs(ctx.labelled);
    const entropy = meanPredictiveEntropy(lp, model.config.vocabSize, opts.temperature);
    const epsilon = epsilonForEntropy(entropy, ctx.studentConfig.vocabSize);
    ctx.log.info(
      `label-smoothing: teacher mean entropy ${entropy.toFixed(4)} nats → epsilon ${epsilon.toFixed(4)}`,
    );
    return trainSmoothed(ctx, epsilon, { teacherMeanEntropy: entropy, epsilon });
  },
};

/** Gold cross-entropy on the labelled pool against the ε-smoothed target (ε = 0: plain `none` loss). */
export async function trainSmoothed(
  ctx: TechniqueContext,
  epsilon: number,
  extra?: Record<string, unknown>,
): Promise<TechniqueResult> {
  const student = ctx.newStudent();
  const sampler = exampleSampler(ctx, student, ctx.labelled);
  const run = await trainStudent(ctx, student, {
    nextBatch: () => sampler.next(),
    loss: (b) => {
      const { logits } = student.forward(b);
      const { targets, mask } = targetTensors(b);
      const ce = smoothedCrossEntropy(logits, targets, mask, epsilon);
      return { total: ce, terms: { ce } };
    },
  });
  return { ...finish(ctx, student, run, extra), supervision: ctx.labelled };
}
