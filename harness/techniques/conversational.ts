import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { sameAnswer } from '../tasks/answer.ts';
import type { Example } from '../tasks/types.ts';
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
 * Lion-style loop at harness scale: imitation, then rounds of discrimination (the task scorer is the
 * referee: hard = student wrong, teacher right) and generation (new prompts of the same shape as the
 * hard ones, drawn from the task's training pool). Hard items become dialogues
 * `BOS prompt SEP student-answer SEP teacher-answer EOS` with loss only on the teacher turn, plus the
 * plain prompt → teacher answer pair so the fix transfers to the single-turn format used at test time.
 */
export const conversational: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'conversational',
  description:
    'Conversational distillation: imitation on teacher answers, then rounds where the student answers a prompt ' +
    'pool, a referee marks hard items (student wrong, teacher right), and the student trains on ' +
    '[prompt, student answer, teacher correction] dialogues plus new prompts near the hard items.',
  citation: 'Jiang et al. 2023, Lion: Adversarial Distillation of Proprietary Large Language Models (EMNLP)',
  options: Options,
  optionDocs: {
    rounds: { doc: 'discrimination/generation rounds after imitation', range: '1-20' },
    poolSize: { doc: 'prompts the student answers per round', range: '1-100000' },
    imitationShare: { doc: 'share of the step budget spent on round-0 imitation', range: '(0, 1)' },
    maxNewTokens: { doc: 'decoding budget for student and teacher answers', range: '1-4096' },
  },
  dataUse:
    'labelled: teacher answers and correction dialogues on the labelled prompts; does not use the transfer pool.',
  minTeachers: 1,
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const train = ctx.labelled;
    const teacherAnswers = teacher.respond(
      train.map((e) => e.prompt),
      opts.maxNewTokens,
    );
    const imitation = encodeAll(
      ctx.tokenizer,
      train.map((e, i) => ({ prompt: e.prompt, response: teacherAnswers[i] })),
    );
    const student = ctx.newStudent();
    const r0Steps = Math.max(1, Math.round(ctx.training.steps * opts.imitationShare));
    const roundSteps = splitSteps(ctx.training.steps - r0Steps, opts.rounds);
    const rng = new Rng(`conversational:${ctx.seed}`);
    const order = rng.shuffle(Array.from(train.keys()));
    const correct = referee(ctx);
    const hardShare: number[] = [];
    const runs = [trainOn(ctx, student, imitation, r0Steps, 'r0')];
    let near: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const pool = [...near, ...order.slice((r * opts.poolSize) % train.length).concat(order)].slice(
        0,
        opts.poolSize,
      );
      const answers = generate(
        student,
        ctx.tokenizer,
        pool.map((i) => train[i].prompt),
        { maxNewTokens: opts.maxNewTokens },
      );
      const hard = pool.filter(
        (i, j) => !correct(train[i], answers[j].text) && correct(train[i], teacherAnswers[i]),
      );
      hardShare.push(hard.length / pool.length);
      const hardShapes = new Set(hard.map((i) => shape(train[i].prompt)));
      near = order
        .filter((i) => hardShapes.has(shape(train[i].prompt)) && !pool.includes(i))
        .slice(0, hard.length);
      const dialogues: EncodedExample[] = hard.map((i) => {
        const j = pool.indexOf(i);
        const q = ctx.tokenizer.encodePair(train[i].prompt, '').prompt;
        const said = answers[j].ids.filter((id) => id !== EOS);
        const fix = [...ctx.tokenizer.encode(teacherAnswers[i]), EOS];
        return { seq: [...q, ...said, SEP, ...fix], lossFrom: q.length + said.length + 1 };
      });
      const mix = [...dialogues, ...hard.concat(near).map((i) => imitation[i]), ...imitation];
      if (roundSteps[r] > 0) runs.push(trainOn(ctx, student, mix, roundSteps[r], `r${r + 1}`));
    }
    ctx.log.info(
      `conversational: hard-item share per round ${hardShare.map((h) => h.toFixed(3)).join(', ')}`,
    );
    const supervision = train.map((e, i) => ({ ...e, response: teacherAnswers[i] }));
    return { ...finish(ctx, student, mergeRuns(runs), { hardItemShare: hardShare }), supervision };
  },
};

function splitSteps(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** The task scorer: the extracted answer equals the gold one (whole response when no extractor). */
function referee(ctx: TechniqueContext): (e: Example, response: string) => boolean {
  return (e, response) => sameAnswer(ctx.task, response, e.response);
}

function trainOn(
  ctx: TechniqueContext,
  student: ReturnType<TechniqueContext['newStudent']>,
  data: EncodedExample[],
  steps: number,
  label: string,
) {
  const sampler = new BatchSampler(
    data,
    ctx.training.batchSize,
    student.config.maxLen,
    `${ctx.seed}:${label}`,
  );
  return trainStudent(ctx, student, {
    steps,
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(student, b),
  });
}

/**
 * One cost record for the whole loop: sums of counts and times, the last round's final losses.
 * Each round is its own fine-tuning stage (fresh Adam state and LR schedule over its steps).
 */
function mergeRuns(runs: ReturnType<typeof trainOn>[]): ReturnType<typeof trainOn> {
  const last = runs[runs.length - 1];
  const sum = (f: (c: (typeof last)['cost']) => number) => runs.reduce((n, r) => n + f(r.cost), 0);
  return {
    history: runs.flatMap((r, k) => {
      const offset = runs.slice(0, k).reduce((n, x) => n + x.cost.optimizerSteps, 0);
      return r.history.map((h) => ({ ...h, step: h.step + offset }));
    }),
    cost: {
      ...last.cost,
      optimizerSteps: sum((c) => c.optimizerSteps),
      studentTokens: sum((c) => c.studentTokens),
      wallTimeMs: sum((c) => c.wallTimeMs),
      peakRssMB: Math.max(...runs.map((r) => r.cost.peakRssMB)),
    },
  };
}
