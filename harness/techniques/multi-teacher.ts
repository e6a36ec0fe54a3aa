import { z } from 'zod';
import type { Example } from '../tasks/types.ts';
import { combineLogProbs } from './purification/aggregate-decode.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  PURIFY_CITATION,
  questions,
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
 * distributions on the gold response, each softened at T before mixing: α·CE + (1−α)·T²·KL(mean_j p_j^T ‖ p_S^T).
 */
/**
 * The mixture the student is distilled toward, as logits the KD loss divides by T again:
 * T·log mean_j softmax(log p_j / T), so that softmax(·/T) of the result is the mean of each teacher's
 * distribution softened at T (softening the mean instead would weight the teachers differently when
 * T ≠ 1). Rows of each input are [rows × V] temperature-1 log-probs.
 */
export function softenedMixture(perTeacher: Float32Array[], V: number, T: number): Float32Array {
  const rows = perTeacher[0].length / V;
  const out = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++) {
    const softened = perTeacher.map((lp) => {
      const row = new Float64Array(V);
      let mx = -Infinity;
      for (let v = 0; v < V; v++) mx = Math.max(mx, lp[r * V + v] / T);
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(lp[r * V + v] / T - mx);
      for (let v = 0; v < V; v++) row[v] = lp[r * V + v] / T - mx - Math.log(z);
      return row;
    });
    const mixed = combineLogProbs(softened, 'mean');
    for (let v = 0; v < V; v++) out[r * V + v] = T * mixed[v];
  }
  return out;
}

export const multiTeacher: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'multi-teacher',
  description:
    'Multi-teacher distillation without purification (TinyLLM baseline): the student learns the gold answer plus ' +
    "every teacher's rationale (L_answer + lambda*sum_j L_rationale_j), or with mode=average-distribution the mean " +
    "of the teachers' token distributions on gold. The conflicted baseline for the purify:* techniques.",
  dataUse:
    "rationales: labelled gold answers (answer-only where the task separates them) plus every teacher's " +
    'rationale on labelled and transfer prompts. average-distribution: labelled only (the teachers score gold).',
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
  minTeachers: 2,
  // average-distribution reads the teachers' token distributions; rationales only their responses.
  teacherAccess: (o) => (o.mode === 'rationales' ? 'outputs' : 'model'),
  async train(ctx, opts) {
    requireTeachers(ctx, 'multi-teacher');
    const n = ctx.teachers.length;
    if (opts.mode === 'rationales') {
      const q = new TeacherQueries(ctx, opts.maxNewTokens);
      const all = questions(ctx).map((_, i) => i);
      // One rationale pair per (question, teacher): each teacher's rationales are one L_rationale_j term.
      const rationales: Example[] = [];
      for (let t = 0; t < n; t++) rationales.push(...rationalePairs(ctx, await q.ask(t, all)));
      return trainOnPurified(ctx, rationales, opts.lambda * n, { teacherCalls: q.calls, mode: opts.mode });
    }
    // Teacher-forced distributions need a response to force, so this mode reads the gold pool only.
    const train = ctx.labelled;
    const perTeacher: Float32Array[][] = [];
    for (const t of ctx.teachers) perTeacher.push(await t.logProbs(train));
    const V = ctx.tokenizer.vocabSize;
    const meanLp = train.map((_, i) =>
      softenedMixture(
        perTeacher.map((lp) => lp[i]),
        V,
        opts.temperature,
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
