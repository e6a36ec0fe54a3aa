import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { lmLoss } from '../training/loop.ts';
import { finish, trainStudent } from './common.ts';
import { EMBED_DIM, embed } from './purification/embedding.ts';
import { BernoulliPolicy } from './purification/policy.ts';
import {
  COMMON_DOCS,
  COMMON_OPTIONS,
  MixedSampler,
  PURIFY_CITATION,
  perExampleNll,
  requireTeachers,
  TeacherQueries,
} from './purification/shared.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    rounds: z.number().int().min(1).max(100).default(5),
    policyLr: z.number().gt(0).max(10).default(0.05),
    baselineMomentum: z.number().min(0).lt(1).default(0.9),
    ...COMMON_OPTIONS,
  })
  .strict();

/**
 * RL teacher selection (Jin et al. §RL; cf. Yuan et al. 2021). Per teacher i a Bernoulli select/skip
 * policy σ(W_i s_i + b_i) on s_i = [E(q), E(r_i)·1(teacher i correct)]; the rationale of the selected
 * teacher with the highest P(select) is used (the overall highest when none is selected, so every
 * question keeps one rationale and skipping all cannot dodge the rationale loss). Student training and
 * policy updates alternate inside one optimizer run: each round trains the student on gold + the
 * round's selections, then scores reward = −(L_answer + L_rationale) per question with the updated
 * student and takes one REINFORCE pass with a moving-average baseline.
 */
export const purifyRlSelection: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'purify:rl-selection',
  description:
    'Knowledge purification by RL teacher selection: per-teacher Bernoulli policies on [E(q), E(r_i)*1(correct)] ' +
    "pick one rationale per question; reward = minus the student's answer+rationale loss after its update " +
    '(REINFORCE, moving-average baseline); student and policy training alternate. Queries every teacher.',
  citation: `${PURIFY_CITATION}; Yuan et al. 2021, Reinforced Multi-Teacher Selection for KD (AAAI)`,
  options: Options,
  optionDocs: {
    rounds: { doc: 'student-training/policy-update rounds the step budget is split into', range: '1-100' },
    policyLr: { doc: 'REINFORCE learning rate', range: '(0, 10]' },
    baselineMomentum: { doc: 'moving-average factor of the reward baseline', range: '[0, 1)' },
    ...COMMON_DOCS,
  },
  dataUse:
    'labelled: teacher selection rewarded against gold on labelled prompts; does not use the transfer pool.',
  minTeachers: 2,
  async train(ctx, opts) {
    requireTeachers(ctx, 'purify:rl-selection');
    const train = ctx.labelled;
    const n = ctx.teachers.length;
    const q = new TeacherQueries(ctx, opts.maxNewTokens);
    const all = train.map((_, i) => i);
    q.askAll(all);
    const rationales = ctx.teachers.map((_, t) => q.ask(t, all));
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
    const samplerFor = (round: number) =>
      new MixedSampler(ctx, train, chosenPairs(), opts.lambda, student.config.maxLen, `:round${round}`);
    let sampler = samplerFor(0);
    const perRound: { meanReward: number; chosenCorrect: number; counts: number[] }[] = [];
    const policyStep = () => {
      const ans = perExampleNll(student, ctx, train);
      const rat = perExampleNll(student, ctx, chosenPairs());
      const rewards = all.map((i) => -(ans[i] + rat[i]));
      for (const i of rng.shuffle([...all])) policy.update(states[i], episodes[i].actions, rewards[i]);
      perRound.push({
        meanReward: rewards.reduce((a, b) => a + b, 0) / rewards.length,
        chosenCorrect: episodes.filter((e, i) => correct[e.chosen][i]).length / episodes.length,
        counts: ctx.teachers.map((_, t) => episodes.filter((e) => e.chosen === t).length),
      });
    };
    const run = trainStudent(ctx, student, {
      nextBatch: (step) => {
        if (step > 0 && step % roundLen === 0) {
          policyStep();
          episodes = select();
          sampler = samplerFor(step / roundLen);
        }
        return sampler.next();
      },
      loss: (b) => lmLoss(student, b),
    });
    const supervision = [...train, ...chosenPairs()];
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
