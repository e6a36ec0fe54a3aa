import { z } from 'zod';
import { EMBED_DIM } from './purification/embedding.ts';
import { routerPool, trainOnRouted } from './purification/routed.ts';
import { MlpRouter } from './purification/routers.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  PURIFY_CITATION,
  ROUTER_DOCS,
  ROUTER_OPTIONS,
  requireTeachers,
  TeacherQueries,
} from './purification/shared.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    hidden: z.number().int().min(1).max(1024).default(32),
    epochs: z.number().int().min(1).max(10000).default(200),
    lr: z.number().gt(0).max(1).default(0.01),
    ...ROUTER_OPTIONS,
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * Classifier router: E(q) (hashed character n-grams, standing in for mDeBERTa's h_CLS) → 2-layer MLP
 * → per-teacher P(correct), trained with multi-label BCE on the labeled half of the training
 * questions, applied to every training question; the argmax teacher is the only one queried.
 */
export const purifyClassifierRouter: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:classifier-router',
  description:
    'Knowledge purification by a classifier router: a 2-layer MLP on a hashed character n-gram embedding of the ' +
    'question predicts which teachers answer correctly (multi-label BCE, trained on a labeled share of the ' +
    "training set); each question is routed to one teacher and the student learns gold + that teacher's rationale.",
  dataUse:
    'labelled: answer-only gold, and router labels (every teacher answers labelFraction of it). transfer (and the rest of labelled): routed; only the routed teacher is asked and its rationale trained on.',
  citation: PURIFY_CITATION,
  options: Options,
  optionDocs: {
    hidden: { doc: 'MLP hidden width', range: '1-1024' },
    epochs: { doc: 'full-batch Adam epochs training the MLP', range: '1-10000' },
    lr: { doc: 'MLP learning rate', range: '(0, 1]' },
    ...ROUTER_DOCS,
    ...COMMON_DOCS,
  },
  minTeachers: 2,
  teacherAccess: 'outputs',
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:classifier-router');
    const n = ctx.teachers.length;
    const q = new TeacherQueries(ctx, opts.maxNewTokens);
    const { labeled, embs, oodEmbs, pool } = await routerPool(ctx, q, opts.labelFraction);
    const mlp = new MlpRouter(EMBED_DIM, opts.hidden, n, ctx.seed);
    const loss = mlp.fit(pool, { epochs: opts.epochs, lr: opts.lr });
    const choice = embs.map((e) => mlp.route(e));
    const oodChoice = oodEmbs.map((e) => mlp.route(e));
    return trainOnRouted(ctx, q, opts.lambda, { labeled, choice, oodChoice }, { routerTrainLoss: loss });
  },
};
