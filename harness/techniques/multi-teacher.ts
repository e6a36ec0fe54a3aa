import { z } from 'zod';
import { combineLogProbs } from './purification/aggregate-decode.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  PURIFY_CITATION,
  rationalePairs,
  requireTeachers,
  TeacherQueries,
  trainOnPurified,
} from './purification/shared.ts';
import { distillFromLogProbs } from './soft-label.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    mode: z.enum(['rationales', 'average-distribution']).default('rationales'),
    ...COMMON_OPTIONS,
    alpha: z.number().min(0).max(1).default(0.5),
    temperature: z.number().gt(0).max(100).default(1),
  })
  .strict();

/**
 * TinyLLM-style multi-teacher baseline, the conflicted reference for purification:
 * 'rationales': L = L_answer + λ·Σ_j L_rationale_j — the student trains on gold plus every teacher's
 * greedy response to every training question; with n teachers the rationale rows take nλ/(1+nλ) of
 * every batch, so each teacher's term weighs λ against L_answer as in TinyLLM's sum;
 * 'average-distribution': soft-label KD toward the mean of the teachers' teacher-forced next-token
 * distributions on the gold response: α·CE + (1−α)·T²·KL(mean_j p_j^T ‖ p_S^T).
 */
export const multiTeacher: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'multi-teacher',
  description:
    'Multi-teacher distillation without purification (TinyLLM baseline): the student learns the gold answer plus ' +
    "every teacher's rationale (L_answer + lambda*sum_j L_rationale_j), or with mode=average-distribution the mean " +
    "of the teachers' token distributions on gold. The conflicted baseline for the purify:* techniques.",
  citation: `Tian et al. 2024, TinyLLM (arXiv 2402.04616); as the baseline of ${PURIFY_CITATION}`,
  options: Options,
  optionDocs: {
    mode: {
      doc: 'rationales (every teacher rationale) | average-distribution (mean teacher distribution KD)',
      range: 'rationales, average-distribution',
    },
    ...COMMON_DOCS,
    alpha: { doc: 'gold CE weight (mode=average-distribution only)', range: '[0, 1]' },
    temperature: { doc: 'KD softmax temperature (mode=average-distribution only)', range: '(0, 100]' },
  },
  dataUse:
    "labelled: CE plus KD to the teachers' mean distribution on the gold prefix; does not use the transfer pool.",
  minTeachers: 2,
  async train(ctx, opts) {
    requireTeachers(ctx, 'multi-teacher');
    const train = ctx.labelled;
    const n = ctx.teachers.length;
    if (opts.mode === 'rationales') {
      const q = new TeacherQueries(ctx, opts.maxNewTokens);
      const all = train.map((_, i) => i);
      // One rationale pair per (question, teacher): each teacher's rationales are one L_rationale_j term.
      const rationales = ctx.teachers.flatMap((_, t) => rationalePairs(ctx, q.ask(t, all)));
      return trainOnPurified(ctx, rationales, opts.lambda * n, { teacherCalls: q.calls, mode: opts.mode });
    }
    const perTeacher = ctx.teachers.map((t) => t.logProbs(train));
    // log mean_j p_j elementwise over each example's [rows × V] log-probs: the mixture of the teachers.
    const meanLp = train.map((_, i) =>
      Float32Array.from(
        combineLogProbs(
          perTeacher.map((lp) => lp[i]),
          'mean',
        ),
      ),
    );
    return distillFromLogProbs(
      ctx,
      meanLp,
      { temperature: opts.temperature, alpha: opts.alpha, divergence: 'forward-kl', beta: 0.5 },
      { teacherCalls: n * train.length, teacherForcedPasses: n * train.length, mode: opts.mode },
    );
  },
};
