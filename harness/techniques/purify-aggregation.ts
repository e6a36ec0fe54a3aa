import { z } from 'zod';
import { aggregateGreedy } from './purification/aggregate-decode.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  PURIFY_CITATION,
  questions,
  rationalePairs,
  requireTeachers,
  trainOnPurified,
} from './purification/shared.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    combine: z.enum(['mean', 'product']).default('mean'),
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * Knowledge aggregation, small-scale stand-in: no aggregator LLM exists at our scale, so the purified
 * rationale r_P is decoded greedily from the teachers' combined next-token distribution (mean of
 * probabilities, or mean of log-probabilities = product of experts), then L_answer + λ·L_rationale(r_P).
 */
export const purifyAggregation: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:aggregation',
  description:
    "Knowledge purification by aggregation: one rationale per question decoded greedily from the teachers' " +
    'combined next-token distribution (mean of probabilities; product-of-experts option), a stand-in for the ' +
    "paper's GPT-4 aggregator; the student learns gold + that rationale.",
  dataUse:
    'labelled: answer-only gold. labelled and transfer prompts: the teachers decode jointly and the fused rationale is trained on.',
  citation: PURIFY_CITATION,
  options: Options,
  optionDocs: {
    combine: {
      doc: 'mean (mean of probabilities) | product (mean of log-probs, product of experts)',
      range: 'mean, product',
    },
    ...COMMON_DOCS,
  },
  minTeachers: 2,
  teacherAccess: 'model',
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:aggregation');
    const train = questions(ctx);
    const { texts, forwardTokens } = await aggregateGreedy(
      ctx.teachers.map((t) => teacherModel(t, 'purify:aggregation')),
      ctx.tokenizer,
      train.map((e) => e.prompt),
      { maxNewTokens: opts.maxNewTokens, combine: opts.combine },
    );
    // Charge the joint decoding to the teachers' counters (split evenly; every teacher ran every step).
    for (const t of ctx.teachers) {
      t.forwardTokens += Math.round(forwardTokens / ctx.teachers.length);
      t.generations += train.length;
    }
    return trainOnPurified(ctx, rationalePairs(ctx, texts), opts.lambda, {
      teacherCalls: train.length * ctx.teachers.length,
      combine: opts.combine,
    });
  },
};
