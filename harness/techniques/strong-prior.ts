import { join } from 'node:path';
import { activeBackend } from '../engine/backend.ts';
import { contentHash } from '../hash.ts';
import { loadCachedModel, saveCachedModel } from '../models/checkpoint.ts';
import type { ModelConfig } from '../models/config.ts';
import { TransformerLM } from '../models/transformer.ts';
import type { CharTokenizer } from '../text/tokenizer.ts';
import { BatchSampler, encodeAll, lmLoss, trainLoop } from '../training/loop.ts';
import type { TrainingOptions } from '../training/optimizer.ts';
import { HARNESS_VERSION } from '../version.ts';
import type { Logger } from './types.ts';

/**
 * The strong student's prior: self-supervised next-token pretraining on unlabeled in-domain text
 * (prompts only, never a response). Like the teachers (harness/techniques/teachers.ts) it is cached
 * on disk under a content hash of everything that determines it; the run seed is deliberately not
 * part of the key, so seeds that share the corpus share one prior (docs/weak-to-strong.md).
 */
export async function obtainStrongPrior(args: {
  texts: string[];
  config: ModelConfig;
  training: TrainingOptions;
  tokenizer: CharTokenizer;
  cacheDir: string;
  log: Logger;
}): Promise<{ model: TransformerLM; key: string; fromCache: boolean }> {
  // Sorted and deduplicated: the prior depends on the corpus as a set, not on pool order.
  const texts = [...new Set(args.texts)].sort();
  const key = contentHash({
    kind: 'strong-prior',
    texts,
    config: args.config,
    training: args.training,
    vocabulary: args.tokenizer.chars,
    backend: activeBackend()?.name ?? 'unknown',
    harness: HARNESS_VERSION,
  });
  const dir = join(args.cacheDir, 'priors', key);
  const cached = loadCachedModel(dir, args.tokenizer, 'cached strong prior');
  if (cached) {
    args.log.info(`strong prior: cache hit ${key}`);
    return { model: cached, key, fromCache: true };
  }
  args.log.info(`strong prior: pretraining ${args.training.steps} steps on ${texts.length} texts (${key})`);
  const model = new TransformerLM(args.config, `strong-prior:${key}`);
  // Empty prompt, the text as "response": the loss covers every token of the text.
  const sampler = new BatchSampler(
    encodeAll(
      args.tokenizer,
      texts.map((t) => ({ prompt: '', response: t })),
    ),
    args.training.batchSize,
    args.config.maxLen,
    `strong-prior:${key}`,
  );
  await trainLoop({
    vars: model.trainableVariables(),
    training: args.training,
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(model, b),
  });
  await saveCachedModel(dir, model, args.tokenizer, { kind: 'strong-prior', texts: texts.length });
  return { model, key, fromCache: false };
}
