import type { TechniqueContext, TechniqueResult } from '../types.ts';
import { embed } from './embedding.ts';
import {
  labeledSplit,
  questions,
  rationalePairs,
  routingDiagnostics,
  type TeacherQueries,
  trainOnPurified,
} from './shared.ts';

/**
 * What every router learns from: every teacher answers the labelled share of the training questions
 * (the only questions all teachers are asked), plus the question embeddings the router routes on.
 */
export async function routerPool(ctx: TechniqueContext, q: TeacherQueries, labelFraction: number) {
  const train = questions(ctx);
  // Router labels need gold, so they come from the labelled pool; transfer prompts are only routed.
  const { labeled } = labeledSplit(ctx.labelled.length, labelFraction, ctx.seed);
  await q.askAll(labeled);
  const embs = train.map((e) => embed(e.prompt));
  const oodEmbs = ctx.data.splits.ood.map((e) => embed(e.prompt));
  const pool = labeled.map((i) => ({ emb: embs[i], correct: ctx.teachers.map((_, t) => q.correct(t, i)) }));
  return { labeled, embs, oodEmbs, pool };
}

/**
 * Queries only the routed teacher of each question, trains the student on those rationales, and
 * reports the router's cost (teacher calls against asking all teachers) and how well it chose.
 */
export async function trainOnRouted(
  ctx: TechniqueContext,
  q: TeacherQueries,
  lambda: number,
  routes: { labeled: number[]; choice: number[]; oodChoice: number[] },
  extra: Record<string, unknown> = {},
): Promise<TechniqueResult> {
  const { labeled, choice, oodChoice } = routes;
  const n = ctx.teachers.length;
  const chosen = await q.askRouted(choice);
  return trainOnPurified(ctx, rationalePairs(ctx, chosen), lambda, {
    teacherCalls: q.calls,
    teacherCallsAllTeachers: n * choice.length,
    routedCounts: Array.from({ length: n }, (_, t) => choice.filter((c) => c === t).length),
    routerAccuracyOnLabeled: labeled.filter((i) => q.correct(choice[i], i)).length / labeled.length,
    ...extra,
    ...routingDiagnostics(ctx, q, labeled, choice, oodChoice),
  });
}
