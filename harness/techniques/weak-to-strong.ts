import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import { UsageError } from '../errors.ts';
import { MODEL_PRESETS, type ModelConfig, type PresetName, parameterCount } from '../models/config.ts';
import type { TransformerLM } from '../models/transformer.ts';
import type { Example } from '../tasks/types.ts';
import type { TrainBatch } from '../text/batch.ts';
import { generate } from '../text/generate.ts';
import { teacherForced } from '../text/teacher-forced.ts';
import { BatchSampler, encodeAll, lmLoss, targetTensors, trainLoop } from '../training/loop.ts';
import { alignTeacherRows, finish, trainStudent } from './common.ts';
import { obtainStrongPrior } from './strong-prior.ts';
import type { TechniqueContext, TechniqueDefinition } from './types.ts';
import { alphaAt, confidenceLoss } from './weak-to-strong-loss.ts';
import { agreementWith, type W2SPools, w2sPools } from './weak-to-strong-pools.ts';

const PRESETS = Object.keys(MODEL_PRESETS) as [PresetName, ...PresetName[]];

const Options = z
  .object({
    weakPreset: z.enum(PRESETS).default('nano'),
    labels: z.enum(['hard', 'soft']).default('hard'),
    temperature: z.number().gt(0).max(100).default(1),
    alphaMax: z.number().default(0.5),
    rampFraction: z.number().min(0).max(1).default(0.2),
    prior: z.boolean().default(true),
    priorSteps: z.number().int().min(1).max(1_000_000).optional(),
    validFraction: z.number().gt(0).lt(1).default(0.1),
    evalEvery: z.number().int().min(1).max(100_000).default(10),
    checkpoint: z.enum(['early-stopped', 'final']).default('early-stopped'),
    maxNewTokens: z.number().int().min(1).max(4096).default(96),
  })
  .strict();
type W2SOptions = z.infer<typeof Options>;

const SUITE_HINT = 'in the suite file, under this weak-to-strong entry';

function weakConfig(strong: ModelConfig, preset: PresetName): ModelConfig {
  return { ...strong, ...MODEL_PRESETS[preset] };
}

/**
 * Weak-to-strong generalization: a small supervisor trained on gold labels a transfer pool, and a
 * larger student with a self-supervised prior learns from those labels. The weak supervisor and the
 * same strong recipe trained on gold (the ceiling) come back as reference rows, from which the report
 * computes the performance gap recovered. docs/weak-to-strong.md describes the recipe and the pools.
 */
export const weakToStrong: TechniqueDefinition<W2SOptions> = {
  id: 'weak-to-strong',
  description:
    'Weak-to-strong: a weak supervisor (smaller preset) trained on the labelled pool labels the transfer ' +
    "prompts; the strong student (the suite's student, optionally with a cached next-token prior on unlabeled " +
    'prompts) fine-tunes on those labels with the auxiliary confidence loss and early stopping on weak-labelled ' +
    'validation loss. Weak and strong-ceiling reference rows give PGR.',
  citation:
    'Burns et al. 2023, Weak-to-Strong Generalization: Eliciting Strong Capabilities With Weak Supervision',
  options: Options,
  optionDocs: {
    weakPreset: {
      doc: 'model preset of the weak supervisor (must be smaller than the student)',
      range: PRESETS.join(', '),
    },
    labels: {
      doc: 'hard (weak greedy decodes) or soft (weak distribution at temperature T)',
      range: 'hard, soft',
    },
    temperature: { doc: 'temperature of soft weak labels', range: '(0, 100]' },
    alphaMax: { doc: 'final weight a of the confidence term CE(f, hardened f)', range: '[0, 1]' },
    rampFraction: { doc: 'share of steps over which a ramps from 0 to alphaMax', range: '[0, 1]' },
    prior: {
      doc: 'pretrain the strong student on unlabeled prompts first (false = no-prior ablation)',
      range: 'true, false',
    },
    priorSteps: { doc: "prior pretraining steps (default: the suite's training.steps)", range: '>= 1' },
    validFraction: {
      doc: 'share of the transfer pool held out as weak-labelled validation',
      range: '(0, 1)',
    },
    evalEvery: { doc: 'steps between validation evaluations', range: '>= 1' },
    checkpoint: { doc: 'which strong student is scored', range: 'early-stopped, final' },
    maxNewTokens: { doc: 'weak supervisor decoding budget per prompt', range: '1-4096' },
  },
  minTeachers: 0,
  teacherAccess: 'outputs',
  ceilingUsesTransferGold: true,
  checkModels(opts, { student }) {
    if (!(opts.alphaMax >= 0 && opts.alphaMax <= 1))
      throw new UsageError(
        `technique weak-to-strong option alphaMax is ${opts.alphaMax}, outside [0, 1]. ` +
          `Fix: set alphaMax between 0 and 1 ${SUITE_HINT} (Burns et al. use 0.5-0.75).`,
        { field: 'techniques.options.alphaMax' },
      );
    const weak = parameterCount(weakConfig(student, opts.weakPreset));
    const strong = parameterCount(student);
    if (weak >= strong)
      throw new UsageError(
        `technique weak-to-strong option weakPreset '${opts.weakPreset}' has ${weak} parameters, not fewer than ` +
          `the strong student's ${strong}. Fix: choose a smaller weakPreset ${SUITE_HINT}, or a larger student.`,
        { field: 'techniques.options.weakPreset' },
      );
  },
  async train(ctx, opts) {
    weakToStrong.checkModels?.(opts, { student: ctx.studentConfig, teachers: [] });
    const pools = w2sPools(ctx);
    const tok = ctx.tokenizer;
    // 1. Weak supervisor on gold.
    const weak = ctx.newStudent('weak', weakConfig(ctx.studentConfig, opts.weakPreset));
    const weakSampler = new BatchSampler(
      encodeAll(tok, pools.weakTrain),
      ctx.training.batchSize,
      weak.config.maxLen,
      `${ctx.seed}:weak`,
    );
    await trainLoop({
      vars: weak.trainableVariables(),
      training: ctx.training,
      nextBatch: () => weakSampler.next(),
      loss: (b) => lmLoss(weak, b),
    });
    // 2. Weak labels on the transfer prompts.
    const decodes = await generate(
      weak,
      tok,
      pools.transfer.map((p) => p.prompt),
      { maxNewTokens: opts.maxNewTokens },
    );
    const weakLabelled: Example[] = pools.transfer.map((p, i) => ({ ...p, response: decodes[i].text }));
    const soft =
      opts.labels === 'soft'
        ? (await teacherForced(weak, tok, weakLabelled, { temperature: opts.temperature })).map(
            (f) => f.logProbs,
          )
        : undefined;
    // 3. Strong student from its prior (or from scratch), fine-tuned on the weak labels.
    const strongStart = () => startStrong(ctx, opts, pools);
    const student = await strongStart();
    const w2s = await fineTune(ctx, student, weakLabelled, soft, opts, opts.alphaMax, 'w2s');
    // 4. Ceiling: the same strong recipe on gold for the transfer pool (no confidence term).
    const ceiling = await strongStart();
    const ceil = await fineTune(ctx, ceiling, pools.transferGold, undefined, opts, 0, 'ceiling');
    const agreement = await agreementWith(student, ctx, weakLabelled, opts.maxNewTokens);
    return {
      ...finish(ctx, student, w2s.run, {
        earlyStopStep: w2s.bestStep,
        bestValidWeakLoss: w2s.bestLoss,
        finalValidWeakLoss: w2s.finalLoss,
        scored: opts.checkpoint,
        ceilingEarlyStopStep: ceil.bestStep,
        prior: opts.prior,
        transferPool: pools.source,
        agreementWithWeakOnTransfer: agreement,
      }),
      supervision: weakLabelled,
      references: [
        { role: 'weak', label: `weak(${opts.weakPreset})`, student: weak },
        { role: 'strong-ceiling', label: 'strong-ceiling', student: ceiling },
      ],
    };
  },
};

async function startStrong(ctx: TechniqueContext, opts: W2SOptions, pools: W2SPools): Promise<TransformerLM> {
  if (!opts.prior) return ctx.newStudent('strong');
  const prior = await obtainStrongPrior({
    texts: pools.unlabeledTexts,
    config: ctx.studentConfig,
    training: { ...ctx.training, steps: opts.priorSteps ?? ctx.training.steps },
    tokenizer: ctx.tokenizer,
    cacheDir: ctx.cacheDir,
    log: ctx.log,
  });
  return prior.model;
}

/**
 * Fine-tunes `model` on `examples` with the confidence loss (a ramped to `alphaMax`), evaluating the
 * label loss on a held-out share every `evalEvery` steps. Keeps the best weights unless the final
 * checkpoint is asked for; both losses are reported.
 */
async function fineTune(
  ctx: TechniqueContext,
  model: TransformerLM,
  examples: Example[],
  softLp: Float32Array[] | undefined,
  opts: W2SOptions,
  alphaMax: number,
  label: string,
) {
  const order = new Rng(`w2s-valid:${label}:${ctx.seed}`).shuffle(Array.from(examples.keys()));
  const nValid = Math.max(1, Math.round(opts.validFraction * examples.length));
  const validIdx = order.slice(0, nValid);
  const trainIdx = order.slice(nValid);
  const enc = encodeAll(ctx.tokenizer, examples);
  const V = model.config.vocabSize;
  const trainSampler = new BatchSampler(
    trainIdx.map((i) => enc[i]),
    ctx.training.batchSize,
    model.config.maxLen,
    `${ctx.seed}:${label}`,
  );
  const validSampler = new BatchSampler(
    validIdx.map((i) => enc[i]),
    validIdx.length,
    model.config.maxLen,
    'valid',
  );
  const validBatch = validSampler.batchOf(Array.from(validIdx.keys()));
  const probsOf = (b: TrainBatch, idx: number[]): tf.Tensor2D => {
    if (softLp)
      return tf.exp(
        alignTeacherRows(
          b,
          idx.map((i) => softLp[i]),
          V,
        ),
      ) as tf.Tensor2D;
    return tf.oneHot(targetTensors(b).targets, V).toFloat() as tf.Tensor2D;
  };
  const lossAt = (b: TrainBatch, idx: number[], a: number) => {
    const { logits } = model.forward(b);
    return confidenceLoss(logits, probsOf(b, idx), targetTensors(b).mask, a);
  };
  const validLoss = async () => {
    const l = tf.tidy(() => lossAt(validBatch, validIdx, 0).weak);
    return (await l.data().finally(() => l.dispose()))[0];
  };
  const vars = model.trainableVariables();
  let best = { step: -1, loss: Number.POSITIVE_INFINITY };
  let snapshot: tf.Tensor[] | undefined;
  let indices: number[] = [];
  const steps = ctx.training.steps;
  const run = await trainStudent(ctx, model, {
    distillTerms: [],
    nextBatch: () => {
      const local = trainSampler.nextIndices();
      indices = local.map((j) => trainIdx[j]);
      return trainSampler.batchOf(local);
    },
    loss: (b, step) => {
      const r = lossAt(b, indices, alphaAt(step, steps, alphaMax, opts.rampFraction));
      return { total: r.total, terms: { ce: r.weak, confidence: r.self } };
    },
    onStep: async ({ step }) => {
      if ((step + 1) % opts.evalEvery !== 0 && step !== steps - 1) return;
      const loss = await validLoss();
      if (loss < best.loss) {
        best = { step: step + 1, loss };
        if (snapshot) tf.dispose(snapshot);
        snapshot = vars.map((v) => tf.keep(v.clone()));
      }
    },
  });
  const finalLoss = await validLoss();
  if (snapshot) {
    if (opts.checkpoint === 'early-stopped') vars.forEach((v, i) => v.assign(snapshot![i]));
    tf.dispose(snapshot);
  }
  return { run, bestStep: best.step, bestLoss: best.loss, finalLoss };
}
