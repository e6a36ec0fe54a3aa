import { z } from 'zod';
import { embed } from './purification/embedding.ts';
import { plRoute } from './purification/plackett-luce.ts';
import { trainOnRouted } from './purification/routed.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  labeledSplit,
  PURIFY_CITATION,
  questions,
  ROUTER_DOCS,
  ROUTER_OPTIONS,
  requireTeachers,
  TeacherQueries,
} from './purification/shared.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    gamma: z.number().gt(1).max(1000).default(10),
    ...ROUTER_OPTIONS,
    fitSteps: z.number().int().min(1).max(10000).default(100),
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * Plackett-Luce routing (RouteLLM's similarity-weighted ranking). On the labeled pool every teacher
 * answers; each question's ranking π_k puts correct teachers first, then orders by the teacher's mean
 * log-prob of the gold response. For each training question q, ξ(q) maximizes
 * Σ_k γ^(1+cos(e_q,e_k))·log PL(π_k|ξ) over the pool (leave-one-out: q itself excluded); q is routed to
 * argmax ξ and only that teacher is queried for the questions outside the pool.
 */
export const purifyPlackettLuce: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:plackett-luce',
  description:
    'Knowledge purification by Plackett-Luce routing: teachers ranked per labeled training question (correct ' +
    'first, then teacher log-prob of gold); for each question, PL scores fitted with similarity weights ' +
    'gamma^(1+cos) over the other labeled questions pick one teacher whose rationale the student learns.',
  dataUse:
    'labelled: answer-only gold, and rankings (every teacher answers labelFraction of it). transfer (and the rest of labelled): routed; only the routed teacher is asked and its rationale trained on.',
  citation: PURIFY_CITATION,
  options: Options,
  optionDocs: {
    gamma: { doc: 'similarity weight base gamma in gamma^(1+cos(e_q, e_k))', range: '(1, 1000]' },
    ...ROUTER_DOCS,
    fitSteps: { doc: 'gradient-ascent steps fitting xi per question', range: '1-10000' },
    ...COMMON_DOCS,
  },
  minTeachers: 2,
  teacherAccess: 'model',
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:plackett-luce');
    const train = questions(ctx);
    const n = ctx.teachers.length;
    const q = new TeacherQueries(ctx, opts.maxNewTokens);
    const { labeled } = labeledSplit(ctx.labelled.length, opts.labelFraction, ctx.seed);
    await q.askAll(labeled);
    const goldPairs = labeled.map((i) => ctx.labelled[i]);
    const meanLp: number[][] = [];
    for (const t of ctx.teachers)
      meanLp.push(
        (await t.logProbs(goldPairs)).map((lp, k) => {
          const ids = [...ctx.tokenizer.encodePair(goldPairs[k].prompt, goldPairs[k].response).response];
          const V = ctx.tokenizer.vocabSize;
          let s = 0;
          ids.forEach((id, r) => (s += lp[r * V + id]));
          return s / Math.max(1, ids.length);
        }),
      );
    const pool = labeled.map((i, k) => {
      const ok = Array.from({ length: n }, (_, t) => q.correct(t, i));
      const ranking = Array.from({ length: n }, (_, t) => t).sort(
        (a, b) => Number(ok[b]) - Number(ok[a]) || meanLp[b][k] - meanLp[a][k] || a - b,
      );
      return { emb: embed(train[i].prompt), ranking, ok };
    });
    const { choice } = plRoute(
      train.map((e) => embed(e.prompt)),
      pool,
      n,
      opts.gamma,
      (qi, k) => labeled[k] === qi,
      { steps: opts.fitSteps },
    );
    const { choice: oodChoice } = plRoute(
      ctx.data.splits.ood.map((e) => embed(e.prompt)),
      pool,
      n,
      opts.gamma,
      () => false,
      { steps: opts.fitSteps },
    );
    return trainOnRouted(ctx, q, opts.lambda, { labeled, choice, oodChoice });
  },
};
