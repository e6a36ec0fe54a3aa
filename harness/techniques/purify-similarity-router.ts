import { z } from 'zod';
import { EMBED_DIM } from './purification/embedding.ts';
import { routerPool, trainOnRouted } from './purification/routed.ts';
import { DualContrastiveRouter } from './purification/router-dc.ts';
import { knnRoute } from './purification/routers.ts';
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
    variant: z.enum(['routerdc', 'knn']).default('routerdc'),
    k: z.number().int().min(1).max(1000).default(10),
    hidden: z.number().int().min(2).max(1024).default(64),
    tau: z.number().gt(0).max(10).default(0.1),
    clusters: z.number().int().min(2).max(100).default(5),
    sampleWeight: z.number().min(0).max(10).default(1),
    epochs: z.number().int().min(1).max(10000).default(150),
    lr: z.number().gt(0).max(1).default(0.01),
    ...ROUTER_OPTIONS,
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * Similarity router. 'routerdc' (default, the paper's form): a trainable encoder E(q) over hashed
 * character n-grams and one trainable key per teacher, P(i|q) = softmax_i cos(E(q), k_i)/τ, trained
 * with RouterDC's dual contrastive loss (sample-teacher with the correct teachers as positives, plus
 * sample-sample InfoNCE over k-means clusters of the questions). 'knn': the teacher with the most
 * correct answers on the k most similar OTHER labeled questions (a training-free cousin, docs/methodology.md#purifysimilarity-router).
 */
export const purifySimilarityRouter: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:similarity-router',
  description:
    'Knowledge purification by a similarity router: RouterDC (trainable question encoder and teacher keys, ' +
    'softmax over cosine, dual contrastive loss), or kNN over question embeddings; each question ' +
    "is routed to one teacher and the student learns gold + that teacher's rationale.",
  dataUse:
    'labelled: answer-only gold, and router labels (every teacher answers labelFraction of it). transfer (and the rest of labelled): routed; only the routed teacher is asked and its rationale trained on.',
  citation: `${PURIFY_CITATION}; RouterDC: Chen et al. 2024 (arXiv 2409.19886)`,
  options: Options,
  optionDocs: {
    variant: {
      doc: 'routerdc (dual contrastive keys) | knn (vote of the k nearest labeled questions)',
      range: 'routerdc, knn',
    },
    k: { doc: 'neighbours voted over (variant=knn)', range: '1-1000' },
    hidden: { doc: 'encoder output width (variant=routerdc)', range: '2-1024' },
    tau: { doc: 'cosine temperature (variant=routerdc)', range: '(0, 10]' },
    clusters: { doc: 'k-means clusters for the sample-sample term (variant=routerdc)', range: '2-100' },
    sampleWeight: { doc: 'weight of the sample-sample term (variant=routerdc)', range: '[0, 10]' },
    epochs: { doc: 'full-batch Adam epochs (variant=routerdc)', range: '1-10000' },
    lr: { doc: 'router learning rate (variant=routerdc)', range: '(0, 1]' },
    ...ROUTER_DOCS,
    ...COMMON_DOCS,
  },
  minTeachers: 2,
  teacherAccess: 'outputs',
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:similarity-router');
    const n = ctx.teachers.length;
    const q = new TeacherQueries(ctx, opts.maxNewTokens);
    const { labeled, embs, oodEmbs, pool } = await routerPool(ctx, q, opts.labelFraction);
    let choice: number[];
    let oodChoice: number[];
    let routerLoss: Record<string, number> | undefined;
    if (opts.variant === 'knn') {
      choice = knnRoute(embs, pool, opts.k, (qi, p) => labeled[p] === qi);
      oodChoice = knnRoute(oodEmbs, pool, opts.k);
    } else {
      const router = new DualContrastiveRouter(EMBED_DIM, opts.hidden, n, opts.tau, ctx.seed);
      try {
        routerLoss = await router.fit(pool, opts);
        choice = await router.route(embs);
        oodChoice = oodEmbs.length ? await router.route(oodEmbs) : [];
      } finally {
        router.dispose();
      }
    }
    return trainOnRouted(
      ctx,
      q,
      opts.lambda,
      { labeled, choice, oodChoice },
      { variant: opts.variant, routerLoss },
    );
  },
};
