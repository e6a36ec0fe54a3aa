import { z } from 'zod';
import { tf } from '../engine/tf.ts';
import { injectLora, mergeLora } from '../models/lora.ts';
import { targetTensors } from '../training/loop.ts';
import { crossEntropy, divergence } from '../training/losses.ts';
import { obtainBaseStudent } from './base-student.ts';
import { exampleSampler, finish, type TrainRun, trainStudent } from './common.ts';
import { checkProjectionLora, parameterBudget, projectionDim } from './projection/budget.ts';
import { ProjectionSpace } from './projection/heads.ts';
import { layerMap } from './projection/layer-map.ts';
import { disposeSignals, type TeacherSignals, teacherSignals } from './projection/teacher-signals.ts';
import { teacherModel } from './teachers.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    rank: z.number().int().min(1).max(1024).default(8),
    loraAlpha: z.number().gt(0).max(4096).default(16),
    temperature: z.number().gt(0).max(100).default(2),
    logitWeight: z.number().min(0).max(100).default(0.8),
    alignWeight: z.number().min(0).max(100).default(1),
    align: z.enum(['point', 'layer']).default('point'),
    projectionDim: z.number().int().min(1).max(65536).optional(),
  })
  .strict();
export type ProjectionLoraOptions = z.infer<typeof Options>;

/**
 * Logit distillation on manifolds (docs/methodology.md#projection-lora): a `none`-pretrained student is frozen, LoRA is
 * injected into q, k, v, o, fc1, fc2 of every layer, and only the adapters plus the student-side
 * projection heads train on
 *   L = CE(gold) + logitWeight·T²·KL(mean_k p_Tk^T ‖ p_S^T) + alignWeight·L_align,
 * L_align = mean_l mean_t (1 − cos(LN(P_s^l h_s^l[t]), mean_k LN(P_t^{l,k} h_k^{g_k(l)}[t]))),
 * g_k(l) = round((l+1)·L_Tk/L_S) − 1, teacher maps frozen random orthonormal (collapse guard).
 * The adapters are merged into the weights at the end, so the scored (and saveable) student is the
 * frozen base + LoRA as one plain model; the heads are training-only and discarded.
 */
/** Decoding budget for teacher responses on transfer prompts (the student's context bounds it anyway). */
const TRANSFER_DECODE_TOKENS = 128;

export const projectionLora: TechniqueDefinition<ProjectionLoraOptions> = {
  id: 'projection-lora',
  description:
    'Frozen none-pretrained student + LoRA (q,k,v,o,FFN of every layer); student and teacher-ensemble hidden ' +
    'states are projected layer- and point-wise into one shared D-dim space and aligned by cosine on LayerNorm, ' +
    'plus ensemble logit KD: CE + 0.8*T^2*KL(mean_k p_Tk^T || p_S^T) + alpha*L_align. Reports trainable ' +
    'parameters as % of teacher and student, with and without the training-only projection heads.',
  dataUse:
    "labelled: the `none` base student, then gold CE plus teacher logit/hidden alignment on gold sequences. transfer: prompts with the teacher's greedy responses, trained on with the same losses.",
  citation:
    'Yang, Wang, Singh, Wu & Yan 2026, Logit Distillation on Manifolds: Mapping by Learning (arXiv 2606.00771)',
  options: Options,
  optionDocs: {
    rank: {
      doc: 'LoRA rank r (at most the smallest adapted matrix dimension, i.e. min(dModel, dFF))',
      range: '1-1024',
    },
    loraAlpha: { doc: 'LoRA alpha: the update is scaled by loraAlpha/rank', range: '(0, 4096]' },
    temperature: { doc: 'softmax temperature T of the logit KD term (scaled by T^2)', range: '(0, 100]' },
    logitWeight: {
      doc: 'weight of the ensemble logit KD term (0.8 in the paper; 0 = no logit KD)',
      range: '[0, 100]',
    },
    alignWeight: {
      doc: 'alpha, weight of the projection alignment loss (0 = no projection, LoRA + KD only)',
      range: '[0, 100]',
    },
    align: {
      doc: 'point = align every token position; layer = align one mean-pooled vector per sequence and layer (layer-wise only)',
      range: 'point, layer',
    },
    projectionDim: {
      doc: 'shared space dimension D; default 2 x the largest hidden size; must be >= every hidden size',
      range: '>= max(student dModel, teacher dModel)',
    },
  },
  minTeachers: 1,
  teacherAccess: 'model',
  checkModels: (opts, m) => checkProjectionLora(opts, m.student, m.teachers),
  async train(ctx, opts) {
    const teacherCfgs = ctx.teachers.map((t) => teacherModel(t, 'projection-lora').config);
    checkProjectionLora(opts, ctx.studentConfig, teacherCfgs);
    const base = await obtainBaseStudent(ctx);
    const student = base.model;
    const lora = injectLora(student, { rank: opts.rank, alpha: opts.loraAlpha, seed: `${ctx.seed}` });
    const maps = teacherCfgs.map((c) => layerMap(ctx.studentConfig.layers, c.layers));
    const space =
      opts.alignWeight > 0
        ? new ProjectionSpace(
            projectionDim(opts, ctx.studentConfig, teacherCfgs),
            ctx.studentConfig.dModel,
            teacherCfgs.map((c) => c.dModel),
            maps,
            `${ctx.seed}`,
          )
        : undefined;
    const useLogits = opts.logitWeight > 0;
    // Transfer prompts carry no gold: the first teacher's greedy responses complete them (Seq-KD), and
    // the logit/hidden losses are taken on those sequences like on gold ones.
    const answered = ctx.transfer.length
      ? await ctx.teachers[0].respond(
          ctx.transfer.map((p) => p.prompt),
          TRANSFER_DECODE_TOKENS,
        )
      : [];
    const supervision = [...ctx.labelled, ...ctx.transfer.map((p, i) => ({ ...p, response: answered[i] }))];
    const sampler = exampleSampler(ctx, student, supervision);
    let signals: TeacherSignals | undefined;
    const distillTerms = [...(useLogits ? ['kd'] : []), ...(space ? ['align'] : [])];
    let run: TrainRun;
    try {
      run = await trainStudent(ctx, student, {
        vars: [...lora, ...(space?.student ?? [])],
        distillTerms,
        nextBatch: () => {
          disposeSignals(signals);
          const b = sampler.next();
          signals =
            useLogits || space
              ? teacherSignals(ctx.teachers, b, {
                  temperature: opts.temperature,
                  logits: useLogits,
                  space,
                  granularity: opts.align,
                })
              : undefined;
          return b;
        },
        loss: (b) => {
          const { logits, hidden } = student.forward(b);
          const { targets, mask } = targetTensors(b);
          const ce = crossEntropy(logits, targets, mask);
          const terms: Record<string, tf.Scalar> = { ce };
          let total: tf.Scalar = ce;
          if (signals?.ensembleLogits) {
            terms.kd = divergence(signals.ensembleLogits, logits, mask, {
              kind: 'forward-kl',
              temperature: opts.temperature,
              scaleByT2: true,
            });
            total = tf.add(total, tf.mul(terms.kd, opts.logitWeight)) as tf.Scalar;
          }
          if (space && signals?.alignTargets) {
            const keyMask = tf.tensor1d(b.keyMask);
            terms.align = space.loss(hidden, signals.alignTargets, keyMask, b.batch, opts.align);
            total = tf.add(total, tf.mul(terms.align, opts.alignWeight)) as tf.Scalar;
          }
          return { total, terms };
        },
      });
    } finally {
      disposeSignals(signals);
      space?.dispose();
    }
    mergeLora(student);
    // The student also cost the base's steps: count them, so equal-budget comparisons stay honest.
    run.cost.optimizerSteps += base.steps;
    const budget = parameterBudget(opts, ctx.studentConfig, teacherCfgs);
    return {
      ...finish(ctx, student, run, {
        ...budget,
        layerMaps: maps,
        basePretrainSteps: base.steps,
        baseFromCache: base.fromCache,
        baseKey: base.key,
      }),
      supervision,
    };
  },
};
