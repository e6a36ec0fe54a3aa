import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import type { TransformerLM } from '../models/transformer.ts';
import { teacherForced } from '../text/teacher-forced.ts';
import { lmLoss } from '../training/loop.ts';
import { finish, trainStudent } from './common.ts';
import { EMBED_DIM, embed } from './purification/embedding.ts';
import { BernoulliPolicy } from './purification/policy.ts';
import {
  answerOnlyPairs,
  COMMON_DOCS,
  COMMON_OPTIONS,
  MixedSampler,
  PURIFY_CITATION,
  perExampleNll,
  requireTeachers,
  TeacherQueries,
} from './purification/shared.ts';
import type { TechniqueContext, TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    rounds: z.number().int().min(1).max(100).default(5),
    policyLr: z.number().gt(0).max(10).default(0.05),
    baselineMomentum: z.number().min(0).lt(1).default(0.9),
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * The pair the reward's L_answer is scored on: the chosen rationale's steps followed by the gold
 * answer (`48*2=97;37+97=134#134` with gold 133 → `48*2=97;37+97=134#133`), and how many response
 * tokens (the answer and EOS) L_answer averages over. A rationale whose steps lead elsewhere makes
 * the gold answer unlikely, so the choice changes L_answer, not only L_rationale. Tasks without
 * `answerOnly` have no separable answer: the gold response is scored after the prompt alone.
 */
export function answerAfterRationale(
  task: TechniqueContext['task'],
  chosen: string,
  gold: string,
): { response: string; answerTokens: number } {
  if (!task.answerOnly) return { response: gold, answerTokens: gold.length + 1 };
  const answer = task.answerOnly(gold);
  const own = task.answerOnly(chosen);
  const steps = chosen.endsWith(own) ? chosen.slice(0, chosen.length - own.length) : chosen;
  return { response: steps + answer, answerTokens: answer.length + 1 };
}

/** Mean NLL of the last `k[i]` response tokens of each pair under `model` (teacher-forced). */
async function suffixNll(
  model: TransformerLM,
  ctx: TechniqueContext,
  pairs: { prompt: string; response: string }[],
  k: number[],
): Promise<number[]> {
  const V = model.config.vocabSize;
  return (await teacherForced(model, ctx.tokenizer, pairs)).map((f, i) => {
    const from = Math.max(0, f.targets.length - k[i]);
    let s = 0;
    for (let r = from; r < f.targets.length; r++) s -= f.logProbs[r * V + f.targets[r]];
    return s / Math.max(1, f.targets.length - from);
  });
}

/**
 * RL teacher selection (Jin et al. §RL; cf. Yuan et al. 2021). Per teacher i a Bernoulli select/skip
 * policy σ(W_i s_i + b_i) on s_i = [E(q), E(r_i)·1(teacher i correct)]; the rationale of the selected
 * teacher with the highest P(select) is used (the overall highest when none is selected, so every
 * question keeps one rationale and skipping all cannot dodge the rationale loss). Student training and
 * policy updates alternate inside one optimizer run: each round trains the student on answer-only gold
 * + the round's selections, then scores reward = −(L_answer + L_rationale) per question with the
 * updated student, where L_answer is the gold answer's loss after the chosen rationale's steps
 * (answerAfterRationale) so the choice can change it, and takes one REINFORCE pass with a
 * per-question moving-average baseline (questions differ in difficulty far more than choices do).
 * Questions are the labelled pool only: the state needs each teacher's correctness, which needs gold.
 */
export const purifyRlSelection: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:rl-selection',
  description:
    'Knowledge purification by RL teacher selection: per-teacher Bernoulli policies on [E(q), E(r_i)*1(correct)] ' +
    "pick one rationale per question; reward = minus the student's loss of the gold answer after the chosen " +
    "rationale's steps plus the rationale loss, after its update (REINFORCE, per-question moving-average baseline); " +
    'student and policy training alternate. Queries every teacher.',
  dataUse:
    'labelled: answer-only gold, and the questions every teacher answers (the state needs correctness against gold). ' +
    'transfer: unused.',
  citation: `${PURIFY_CITATION}; Yuan et al. 2021, Reinforced Multi-Teacher Selection for KD (AAAI)`,
  options: Options,
  optionDocs: {
    rounds: { doc: 'student-training/policy-update rounds the step budget is split into', range: '1-100' },
    policyLr: { doc: 'REINFORCE learning rate', range: '(0, 10]' },
    baselineMomentum: { doc: "moving-average factor of each question's reward baseline", range: '[0, 1)' },
    ...COMMON_DOCS,
  },
  minTeachers: 2,
  teacherAccess: 'outputs',
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:rl-selection');
    const train = ctx.labelled;
    const n = ctx.teachers.length;
    const q = new TeacherQueries(ctx, opts.maxNewTokens);
    const all = train.map((_, i) => i);
    await q.askAll(all);
    const rationales: string[][] = [];
    for (let t = 0; t < n; t++) rationales.push(await q.ask(t, all));
    const correct = ctx.teachers.map((_, t) => all.map((i) => q.correct(t, i)));
    const zero = new Float32Array(EMBED_DIM);
    const states = all.map((i) => {
      const eq = embed(train[i].prompt);
      return ctx.teachers.map((_, t) => {
        const s = new Float32Array(2 * EMBED_DIM);
        s.set(eq, 0);
        s.set(correct[t][i] ? embed(rationales[t][i]) : zero, EMBED_DIM);
        return s;
      });
    });
    const policy = new BernoulliPolicy(n, 2 * EMBED_DIM, opts.policyLr, opts.baselineMomentum);
    const rng = new Rng(`rl-selection:${ctx.seed}`);
    const select = () =>
      states.map((s) => {
        const { actions, probs } = policy.sample(
          s,
          s.map(() => rng.next()),
        );
        const picked = probs.map((p, t) => ({ p, t })).filter(({ t }) => actions[t] === 1);
        const from = picked.length ? picked : probs.map((p, t) => ({ p, t }));
        const chosen = from.reduce((a, b) => (b.p > a.p ? b : a)).t;
        return { actions, chosen };
      });
    const student = ctx.newStudent();
    const roundLen = Math.ceil(ctx.training.steps / opts.rounds);
    let episodes = select();
    const chosenPairs = () => episodes.map((e, i) => ({ ...train[i], response: rationales[e.chosen][i] }));
    const answers = answerOnlyPairs(ctx);
    const samplerFor = (round: number) =>
      new MixedSampler(ctx, answers, chosenPairs(), opts.lambda, student.config.maxLen, `:round${round}`);
    const baselines = new Map<number, number>();
    let sampler = samplerFor(0);
    const perRound: { meanReward: number; chosenCorrect: number; counts: number[] }[] = [];
    const policyStep = async () => {
      const scored = all.map((i) =>
        answerAfterRationale(ctx.task, rationales[episodes[i].chosen][i], train[i].response),
      );
      const ans = await suffixNll(
        student,
        ctx,
        scored.map((p, i) => ({ prompt: train[i].prompt, response: p.response })),
        scored.map((p) => p.answerTokens),
      );
      const rat = await perExampleNll(student, ctx, chosenPairs());
      const rewards = all.map((i) => -(ans[i] + rat[i]));
      for (const i of rng.shuffle([...all])) {
        // First visit: the baseline is the reward itself (advantage 0), as for a moving average.
        const b = baselines.get(i) ?? rewards[i];
        policy.update(states[i], episodes[i].actions, rewards[i], b);
        baselines.set(i, opts.baselineMomentum * b + (1 - opts.baselineMomentum) * rewards[i]);
      }
      perRound.push({
        meanReward: rewards.reduce((a, b) => a + b, 0) / rewards.length,
        chosenCorrect: episodes.filter((e, i) => correct[e.chosen][i]).length / episodes.length,
        counts: ctx.teachers.map((_, t) => episodes.filter((e) => e.chosen === t).length),
      });
    };
    const run = await trainStudent(ctx, student, {
      nextBatch: async (step) => {
        if (step > 0 && step % roundLen === 0) {
          await policyStep();
          episodes = select();
          sampler = samplerFor(step / roundLen);
        }
        return sampler.next();
      },
      loss: (b) => lmLoss(student, b),
    });
    const supervision = [...answers, ...chosenPairs()];
    const last = episodes.filter((e, i) => correct[e.chosen][i]).length / episodes.length;
    return {
      ...finish(ctx, student, run, {
        teacherCalls: q.calls,
        teacherCallsAllTeachers: n * train.length,
        rounds: perRound,
        finalChosenCorrect: last,
        finalCounts: ctx.teachers.map((_, t) => episodes.filter((e) => e.chosen === t).length),
      }),
      supervision,
    };
  },
};
