import { z } from 'zod';
import { Rng } from '../../engine/rng.ts';
import { UsageError } from '../../errors.ts';
import type { TransformerLM } from '../../models/transformer.ts';
import { answerOf } from '../../tasks/answer.ts';
import type { Example, TransferPrompt } from '../../tasks/types.ts';
import { leftPad, type TrainBatch } from '../../text/batch.ts';
import { teacherForced } from '../../text/teacher-forced.ts';
import { type EncodedExample, encodeAll, lmLoss } from '../../training/loop.ts';
import { finish, trainStudent } from '../common.ts';
import type { TechniqueContext, TechniqueResult } from '../types.ts';

export const PURIFY_CITATION =
  'Jin et al. 2026, Knowledge Purification in Multi-Teacher Knowledge Distillation for LLMs (arXiv 2602.01064)';

/** Options every purification technique shares (spread last into its zod object, docs below). */
export const COMMON_OPTIONS = {
  lambda: z.number().min(0).max(10).default(1),
  maxNewTokens: z.number().int().min(1).max(4096).default(128),
};
export const ROUTER_OPTIONS = { labelFraction: z.number().gt(0).max(1).default(0.5) };

/** Option docs every purification technique shares. */
export const COMMON_DOCS = {
  lambda: {
    doc: 'weight of the rationale term L_rationale(r_P) against L_answer (as a sampling ratio)',
    range: '[0, 10]',
  },
  maxNewTokens: { doc: 'teacher decoding budget per prompt', range: '1-4096' },
};
export const ROUTER_DOCS = {
  labelFraction: {
    doc: 'share of training questions whose correctness labels train the router (all teachers are queried on them); the rest are routed and only the routed teacher is queried',
    range: '(0, 1]',
  },
};

/** Purification needs at least two teachers: with one there is nothing to purify. */
export function requireTeachers(ctx: TechniqueContext, id: string): void {
  if (ctx.teachers.length < 2) {
    throw new UsageError(
      `technique '${id}' needs at least 2 teachers (got ${ctx.teachers.length}): knowledge purification ` +
        'chooses or fuses rationales across teachers. Add teachers to the suite, or use hard-label/soft-label.',
    );
  }
}

/**
 * The questions teachers are asked: the labelled pool (gold known, so teacher correctness is known),
 * then the transfer prompts (no gold; only routed or fused teacher rationales are trained on there).
 * Indices below `ctx.labelled.length` are labelled.
 */
export function questions(ctx: TechniqueContext): TransferPrompt[] {
  return [...ctx.labelled, ...ctx.transfer];
}

/** L_answer's target: the gold answer without its rationale when the task can separate them. */
export function answerOnlyPairs(ctx: TechniqueContext): Example[] {
  const only = ctx.task.answerOnly;
  return ctx.labelled.map((e) => (only ? { ...e, response: only(e.response) } : e));
}

export function extractor(ctx: TechniqueContext): (s: string) => string {
  return answerOf(ctx.task);
}

/** Counts teacher queries (question × teacher) by the technique, for cost.extra.teacherCalls. */
export class TeacherQueries {
  calls = 0;
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly ctx: TechniqueContext,
    private readonly maxNewTokens: number,
  ) {
    this.qs = questions(ctx);
  }

  private readonly qs: TransferPrompt[];
  /** Responses of teacher `t` to the given question indices (see `questions`; each pair counted once). */
  async ask(t: number, idx: number[]): Promise<string[]> {
    const train = this.qs;
    const todo = idx.filter((i) => !this.cache.has(`${t}:${i}`));
    if (todo.length) {
      const out = await this.ctx.teachers[t].respond(
        todo.map((i) => train[i].prompt),
        this.maxNewTokens,
      );
      todo.forEach((i, k) => this.cache.set(`${t}:${i}`, out[k]));
      this.calls += todo.length;
    }
    return idx.map((i) => this.cache.get(`${t}:${i}`)!);
  }

  /** Every teacher's responses to the given questions, one batched generation per teacher. */
  async askAll(idx: number[]): Promise<void> {
    for (let t = 0; t < this.ctx.teachers.length; t++) await this.ask(t, idx);
  }

  /** The routed teacher's response per question (`choice[i]` = teacher of question i), batched per teacher. */
  async askRouted(choice: number[]): Promise<string[]> {
    const out: string[] = new Array(choice.length);
    for (let t = 0; t < this.ctx.teachers.length; t++) {
      const idx = choice.flatMap((c, i) => (c === t ? [i] : []));
      if (idx.length) (await this.ask(t, idx)).forEach((r, k) => (out[idx[k]] = r));
    }
    return out;
  }

  /**
   * Correctness of teacher t on labelled question i: its extracted answer equals the gold one. Sync,
   * so it reads only answers already asked (decoding is async); every caller asks first.
   */
  correct(t: number, i: number): boolean {
    const ex = extractor(this.ctx);
    const gold = this.ctx.labelled[i];
    if (!gold)
      throw new Error(`purification: question ${i} is a transfer prompt, whose correctness is unknown`);
    const said = this.cache.get(`${t}:${i}`);
    if (said === undefined) throw new Error(`purification: teacher ${t} was not asked question ${i} yet`);
    return ex(said) === ex(gold.response);
  }
}

/** Seeded split of the training questions into a labeled pool (router training) and the rest. */
export function labeledSplit(
  n: number,
  fraction: number,
  seed: number | string,
): { labeled: number[]; rest: number[] } {
  const order = new Rng(`purify-labels:${seed}`).shuffle(Array.from({ length: n }, (_, i) => i));
  const k = Math.max(1, Math.min(n, Math.round(n * fraction)));
  return { labeled: order.slice(0, k).sort((a, b) => a - b), rest: order.slice(k).sort((a, b) => a - b) };
}

/**
 * Batches mixing gold pairs (L_answer) and rationale pairs (L_rationale) so that rationale rows make
 * up λ/(1+λ) of every batch: the sampling-ratio form of L_answer + λ·L_rationale.
 */
export class MixedSampler {
  private readonly data: [EncodedExample[], EncodedExample[]];
  private readonly rng: Rng;
  private readonly orders: [number[], number[]] = [[], []];
  private readonly cursors: [number, number] = [0, 0];
  readonly nRat: number;
  readonly batchSize: number;
  constructor(
    ctx: TechniqueContext,
    gold: { prompt: string; response: string }[],
    rationales: { prompt: string; response: string }[],
    lambda: number,
    private readonly maxLen: number,
    label = '',
  ) {
    this.data = [encodeAll(ctx.tokenizer, gold), encodeAll(ctx.tokenizer, rationales)];
    this.rng = new Rng(`purify-mix:${ctx.seed}${label}`);
    this.batchSize = ctx.training.batchSize;
    const share = rationales.length === 0 ? 0 : gold.length === 0 ? 1 : lambda / (1 + lambda);
    this.nRat = Math.min(this.batchSize, Math.round(this.batchSize * share));
  }

  /** Next k indices of pool `which` (0 gold, 1 rationales), epoch-shuffled. */
  take(which: 0 | 1, k: number): number[] {
    const size = this.data[which].length;
    const out: number[] = [];
    while (out.length < k && size > 0) {
      if (this.cursors[which] >= this.orders[which].length) {
        this.orders[which] = this.rng.shuffle(Array.from({ length: size }, (_, i) => i));
        this.cursors[which] = 0;
      }
      out.push(this.orders[which][this.cursors[which]++]);
    }
    return out;
  }

  /** A batch of the given gold and rationale rows (drawn by the λ ratio when omitted). */
  next(goldIdx?: number[], ratIdx?: number[]): TrainBatch {
    const r = ratIdx ?? this.take(1, this.nRat);
    const g = goldIdx ?? this.take(0, this.batchSize - r.length);
    const seqs = [...g.map((i) => this.data[0][i]), ...r.map((i) => this.data[1][i])];
    return leftPad(
      seqs.map((s) => s.seq),
      seqs.map((s) => s.lossFrom),
      this.maxLen,
    );
  }
}

/** Rationale pairs from a per-question choice (`chosen[i]` = response for `questions(ctx)[i]`, null = none). */
export function rationalePairs(ctx: TechniqueContext, chosen: (string | null)[]): Example[] {
  const qs = questions(ctx);
  return chosen.flatMap((r, i) => (r === null ? [] : [{ ...qs[i], response: r }]));
}

/**
 * The student loss all purification methods share, L_answer + λ·L_rationale(r_P): answer-only gold
 * pairs (prompt → `#answer`, so every rationale the student sees comes from a teacher, as in Jin et
 * al.) plus the purified rationale pairs, trained with plain LM cross-entropy. Returns the result with
 * `supervision` (gold ∪ rationales, for the conflict metric) and the technique's extra figures.
 */
export async function trainOnPurified(
  ctx: TechniqueContext,
  rationales: Example[],
  lambda: number,
  extra: Record<string, unknown>,
): Promise<TechniqueResult> {
  const train = answerOnlyPairs(ctx);
  const student = ctx.newStudent();
  const sampler = new MixedSampler(ctx, train, rationales, lambda, student.config.maxLen);
  const run = await trainStudent(ctx, student, {
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(student, b),
  });
  return { ...finish(ctx, student, run, extra), supervision: [...train, ...rationales] };
}

/** Mean per-token NLL of each response under `model` (teacher-forced; the RL reward's loss terms). */
export async function perExampleNll(
  model: TransformerLM,
  ctx: TechniqueContext,
  pairs: { prompt: string; response: string }[],
): Promise<number[]> {
  const V = model.config.vocabSize;
  return (await teacherForced(model, ctx.tokenizer, pairs)).map((f) => {
    let s = 0;
    f.targets.forEach((t, r) => (s -= f.logProbs[r * V + t]));
    return s / Math.max(1, f.targets.length);
  });
}

/**
 * How well a router chose, for the cost record: on the routed-only questions (never used to train
 * the router) the routed teacher's answer is checked against gold; the labeled pool gives the best
 * single teacher and the oracle (any teacher right) to compare with. On the OOD split, which no
 * teacher is queried on, a route counts as right when the task says the routed teacher's profile
 * solves that question (`meta.correctProfiles`), so router transfer is visible at no teacher cost.
 */
export function routingDiagnostics(
  ctx: TechniqueContext,
  q: TeacherQueries,
  labeled: number[],
  choice: number[],
  oodChoice: number[],
): Record<string, number> {
  const n = ctx.teachers.length;
  const inPool = new Set(labeled);
  // Only labelled questions have gold to check a route against; transfer routes are not scored.
  const rest = choice.flatMap((t, i) => (inPool.has(i) || i >= ctx.labelled.length ? [] : [{ t, i }]));
  const share = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : Number.NaN);
  const out: Record<string, number> = {
    routedCorrectUnlabeled: share(rest.map(({ t, i }) => q.correct(t, i))),
    bestSingleTeacherOnLabeled: Math.max(
      ...ctx.teachers.map((_, t) => share(labeled.map((i) => q.correct(t, i)))),
    ),
    oracleOnLabeled: share(labeled.map((i) => ctx.teachers.some((_, t) => q.correct(t, i)))),
  };
  const ood = ctx.data.splits.ood;
  const profiles = ctx.teachers.map((t) => t.profile);
  const solves = (t: number, e: (typeof ood)[number]) =>
    (e.meta.correctProfiles as string[] | undefined)?.includes(profiles[t] ?? '') ?? false;
  if (ood.length && profiles.every(Boolean) && ood.every((e) => Array.isArray(e.meta.correctProfiles))) {
    out.oodProfileRouted = share(ood.map((e, k) => solves(oodChoice[k], e)));
    out.oodProfileBestSingle = Math.max(
      ...Array.from({ length: n }, (_, t) => share(ood.map((e) => solves(t, e)))),
    );
  }
  return out;
}
