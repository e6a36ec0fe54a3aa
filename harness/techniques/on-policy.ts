import { z } from 'zod';
import { Rng } from '../engine/rng.ts';
import { tf } from '../engine/tf.ts';
import { leftPad } from '../text/batch.ts';
import { generate } from '../text/generate.ts';
import { BatchSampler, encodeAll, targetTensors } from '../training/loop.ts';
import { crossEntropy, divergence } from '../training/losses.ts';
import { finish, trainStudent } from './common.ts';
import type { TechniqueDefinition } from './types.ts';

const Options = z
  .object({
    lambda: z.number().min(0).max(1).default(0.5),
    beta: z.number().min(0).max(1).default(0.5),
    temperature: z.number().gt(0).max(10).default(1),
    maxNewTokens: z.number().int().min(1).max(4096).default(64),
  })
  .strict();

/**
 * GKD: with probability lambda a step's batch is the student's own samples for the batch prompts (no
 * gradient through sampling), otherwise the gold responses; either way the loss is generalized
 * JSD(beta) between teacher and student on those tokens, the teacher scoring the same prefixes.
 */
export const onPolicy: TechniqueDefinition<z.infer<typeof Options>> = {
  id: 'on-policy',
  description:
    'On-policy distillation (GKD): with probability lambda the batch is sampled from the student itself, ' +
    'otherwise gold; the teacher scores every token and the student minimizes generalized JSD(beta).',
  citation:
    'Agarwal et al. 2024, On-Policy Distillation of Language Models: Learning from Self-Generated Mistakes (ICLR)',
  options: Options,
  optionDocs: {
    lambda: { doc: 'fraction of steps trained on student samples', range: '[0, 1]' },
    beta: { doc: 'JSD interpolation: 0 forward KL, 1 reverse KL', range: '[0, 1]' },
    temperature: { doc: 'student sampling temperature', range: '(0, 10]' },
    maxNewTokens: { doc: 'sample length budget', range: '1-4096' },
  },
  dataUse:
    'transfer: the student samples responses to transfer prompts (probability lambda per step) and the teacher scores them; labelled: gold batches (JSD plus gold CE with pools). Without pools the samples are drawn for the train prompts.',
  minTeachers: 1,
  async train(ctx, opts) {
    const teacher = ctx.teachers[0];
    const train = ctx.labelled;
    // With pools, on-policy prompts come from the transfer pool (no gold needed); without, from train.
    const pooled = ctx.transfer.length > 0;
    const promptSet: { prompt: string }[] = pooled ? ctx.transfer : train;
    const student = ctx.newStudent();
    const maxLen = student.config.maxLen;
    const enc = encodeAll(ctx.tokenizer, train);
    const promptEnc = pooled
      ? encodeAll(
          ctx.tokenizer,
          ctx.transfer.map((e) => ({ ...e, response: '' })),
        )
      : enc;
    const sampler = new BatchSampler(enc, ctx.training.batchSize, maxLen, ctx.seed);
    const promptSampler = pooled
      ? new BatchSampler(promptEnc, ctx.training.batchSize, maxLen, `transfer:${ctx.seed}`)
      : sampler;
    const coin = new Rng(`on-policy:${ctx.seed}`);
    let studentBatches = 0;
    let goldBatch = false;
    const run = trainStudent(ctx, student, {
      distillTerms: ['jsd'],
      nextBatch: (step) => {
        goldBatch = coin.next() >= opts.lambda;
        if (goldBatch) return sampler.batchOf(sampler.nextIndices());
        const idx = promptSampler.nextIndices();
        studentBatches++;
        const prompts = idx.map((i) => promptSet[i].prompt);
        const samples = generate(student, ctx.tokenizer, prompts, {
          maxNewTokens: opts.maxNewTokens,
          temperature: opts.temperature,
          seed: `${ctx.seed}:${step}`,
        });
        const seqs = idx.map((i, j) => [
          ...promptEnc[i].seq.slice(0, promptEnc[i].lossFrom),
          ...samples[j].ids,
        ]);
        return leftPad(
          seqs,
          idx.map((i) => promptEnc[i].lossFrom),
          maxLen,
        );
      },
      loss: (b) => {
        const teacherLogits = tf.tidy(() => teacher.model.forward(b).logits);
        teacher.forwardTokens += b.batch * b.length;
        const { logits } = student.forward(b);
        const { targets, mask } = targetTensors(b);
        const jsd = divergence(teacherLogits, logits, mask, { kind: 'jsd', beta: opts.beta, temperature: 1 });
        if (!(pooled && goldBatch)) return { total: jsd, terms: { jsd } as Record<string, tf.Scalar> };
        const ce = crossEntropy(logits, targets, mask);
        return { total: tf.add(jsd, ce) as tf.Scalar, terms: { jsd, ce } };
      },
    });
    return finish(ctx, student, run, { studentSampleBatches: studentBatches });
  },
};
