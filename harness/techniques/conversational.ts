import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { generate } from '../text/generate.ts';
import { EOS, SEP } from '../text/tokenizer.ts';
import { BatchSampler, type EncodedExample, encodeAll, lmLoss } from '../training/loop.ts';
import { finish, trainStudent } from './common.ts';
import type { TechniqueContext, TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    rounds: z.number().int().min(1).max(20).default(2),
    poolSize: z.number().int().min(1).max(100_000).default(200),
    imitationShare: z.number().gt(0).lt(1).default(0.4),
    maxNewTokens: z.number().int().min(1).max(4096).default(96),
  })
  .strict();

/** Prompts of the same shape (digits → 0, letters → a) count as "near" a hard item. */
const shape = (prompt: string) => prompt.replace(/[0-9]/g, '0').replace(/[a-z]/gi, 'a');

/**
 * Lion-style loop at harness scale: imitation, then rounds of discrimination and generation, all in
 * one optimizer run with one LR schedule (the rounds are stages of one training, not restarts).
 * Discrimination: the student answers a prompt pool; the referee marks hard items: on labelled
 * prompts student wrong and teacher right (gold known), on transfer prompts student ≠ teacher (the
 * teacher is the reference, as Lion's referee is). Generation: NEW prompts of the same shape as the
 * hard ones (digits → 0, letters → a), drawn from fresh task generations and never from any pool or
 * evaluation split, answered by the teacher; Lion's generator likewise writes new instructions like
 * the hard ones instead of repeating old ones. Hard items become dialogues
 * `BOS prompt SEP student-answer SEP teacher-answer EOS` with loss only on the teacher turn, plus the
 * plain prompt → teacher answer pair so the fix transfers to the single-turn format used at test time.
 */
export const conversational: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'conversational',
  description:
    'Conversational distillation: imitation, then rounds where the student answers a prompt pool, a referee ' +
    'marks hard items (student wrong, teacher right), and the student trains on [prompt, student answer, ' +
    "teacher correction] dialogues plus teacher answers to new prompts of the hard items' kind; one LR schedule.",
  dataUse:
    'labelled: gold imitation, and referee = student wrong and teacher right. transfer: teacher answers for ' +
    "imitation, and referee = student differs from teacher. New prompts of the hard items' shape come from " +
    'fresh task draws (never from the pools, valid, test or OOD) and get teacher answers.',
  citation: 'Jiang et al. 2023, Lion: Adversarial Distillation of Proprietary Large Language Models (EMNLP)',
  options: Options,
  optionDocs: {
    rounds: { doc: 'discrimination/generation rounds after imitation', range: '1-20' },
    poolSize: { doc: 'prompts the student answers per round', range: '1-100000' },
    imitationShare: { doc: 'share of the step budget spent on round-0 imitation', range: '(0, 1)' },
    maxNewTokens: { doc: 'decoding budget for student and teacher answers', range: '1-4096' },
  },
  minTeachers: 1,
  teacherAccess: 'outputs',
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const tAnswer = new Map<string, string>();
    const askTeacher = async (prompts: string[]) => {
      const todo = [...new Set(prompts.filter((p) => !tAnswer.has(p)))];
      if (todo.length)
        (await teacher.respond(todo, opts.maxNewTokens)).forEach((r, i) => tAnswer.set(todo[i], r));
      return prompts.map((p) => tAnswer.get(p)!);
    };
    const gold = new Map(ctx.labelled.map((e) => [e.prompt, e.response]));
    // Imitation: gold on labelled, teacher answers on transfer (on labelled prompts without a transfer pool).
    const transferPrompts = (ctx.transfer.length ? ctx.transfer : ctx.labelled).map((p) => p.prompt);
    await askTeacher(transferPrompts);
    const imitationPairs = [
      ...(ctx.transfer.length ? ctx.labelled : []),
      ...transferPrompts.map((p) => ({ prompt: p, response: tAnswer.get(p)! })),
    ];
    const imitation = encodeAll(ctx.tokenizer, imitationPairs);
    const known = [...new Set([...ctx.labelled.map((e) => e.prompt), ...transferPrompts])];
    const fresh = freshPrompts(ctx, new Set(known));
    const student = ctx.newStudent();
    const r0Steps = Math.max(1, Math.round(ctx.training.steps * opts.imitationShare));
    const roundSteps = splitSteps(ctx.training.steps - r0Steps, opts.rounds);
    const starts = roundSteps.map((_, r) => r0Steps + roundSteps.slice(0, r).reduce((a, b) => a + b, 0));
    const rng = new Rng(`conversational:${ctx.seed}`);
    const order = rng.shuffle([...known]);
    const extract = ctx.task.extractAnswer ?? ((s: string) => s.trim());
    const hardShare: number[] = [];
    const newPromptCounts: number[] = [];
    const generated: string[] = [];
    let near: string[] = [];
    const round = async (r: number): Promise<EncodedExample[]> => {
      const pool = [...near, ...order.slice((r * opts.poolSize) % order.length).concat(order)].slice(
        0,
        opts.poolSize,
      );
      const answers = await generate(student, ctx.tokenizer, pool, { maxNewTokens: opts.maxNewTokens });
      const teacherSays = await askTeacher(pool);
      const hard = pool.filter((p, j) => {
        const g = gold.get(p);
        const said = extract(answers[j].text);
        return g === undefined
          ? said !== extract(teacherSays[j])
          : said !== extract(g) && extract(teacherSays[j]) === extract(g);
      });
      hardShare.push(pool.length ? hard.length / pool.length : 0);
      // Generation: unused fresh prompts of the hard items' shapes, as many as there were hard items.
      const hardShapes = new Set(hard.map(shape));
      near = fresh.take((p) => hardShapes.has(shape(p)), hard.length);
      newPromptCounts.push(near.length);
      generated.push(...near);
      await askTeacher(near);
      const dialogues: EncodedExample[] = hard.map((p) => {
        const j = pool.indexOf(p);
        const q = ctx.tokenizer.encodePair(p, '').prompt;
        const said = answers[j].ids.filter((id) => id !== EOS);
        const fix = [...ctx.tokenizer.encode(tAnswer.get(p)!), EOS];
        return { seq: [...q, ...said, SEP, ...fix], lossFrom: q.length + said.length + 1 };
      });
      const corrections = encodeAll(
        ctx.tokenizer,
        [...hard, ...near].map((p) => ({ prompt: p, response: tAnswer.get(p)! })),
      );
      return [...dialogues, ...corrections, ...imitation];
    };
    const samplerOf = (data: EncodedExample[], label: string) =>
      new BatchSampler(data, ctx.training.batchSize, student.config.maxLen, `${ctx.seed}:${label}`);
    let sampler = samplerOf(imitation, 'r0');
    const run = await trainStudent(ctx, student, {
      nextBatch: async (step) => {
        const r = starts.indexOf(step);
        if (r >= 0 && roundSteps[r] > 0) sampler = samplerOf(await round(r), `r${r + 1}`);
        return sampler.next();
      },
      loss: (b) => lmLoss(student, b),
    });
    ctx.log.info(
      `conversational: hard-item share per round ${hardShare.map((h) => h.toFixed(3)).join(', ')}`,
    );
    const supervision = [
      ...imitationPairs,
      ...generated.map((p) => ({ prompt: p, response: tAnswer.get(p)! })),
    ].map((e, i) => ({ id: `conversational-${i}`, meta: {}, ...e }));
    return {
      ...finish(ctx, student, run, { hardItemShare: hardShare, newPrompts: newPromptCounts }),
      supervision,
    };
  },
};

/** Fresh-draw seeds are far from any suite seed, so their prompts are new draws of the task. */
const FRESH_SEED_OFFSET = 7_919_000;
const FRESH_DRAWS = 4;

/**
 * New prompts of the task's own distribution for the generation step: training prompts of fresh task
 * generations (other seeds), minus every prompt of the pools and of the valid/test/OOD splits, so
 * nothing evaluated is ever trained on. Tasks whose prompts are fixed (file tasks) yield none.
 */
export function freshPrompts(
  ctx: TechniqueContext,
  exclude: Set<string>,
): { take(fits: (p: string) => boolean, k: number): string[] } {
  const banned = new Set(exclude);
  for (const split of ['valid', 'test', 'ood'] as const)
    for (const e of ctx.data.splits[split]) banned.add(e.prompt);
  let draws: string[] | undefined;
  const all = () => {
    draws ??= Array.from({ length: FRESH_DRAWS }, (_, k) =>
      ctx.task
        .generate(ctx.taskOptions, FRESH_SEED_OFFSET + ctx.seed * FRESH_DRAWS + k)
        .splits.train.map((e) => e.prompt),
    ).flat();
    return draws;
  };
  return {
    take(fits, k) {
      const out: string[] = [];
      if (k <= 0) return out;
      for (const p of all()) {
        if (out.length >= k) break;
        if (banned.has(p) || !fits(p)) continue;
        banned.add(p);
        out.push(p);
      }
      return out;
    },
  };
}

function splitSteps(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}
