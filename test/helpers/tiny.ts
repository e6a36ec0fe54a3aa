import type { ModelConfig } from '../../harness/models/config.ts';
import { TransformerLM } from '../../harness/models/transformer.ts';
import { CharTokenizer } from '../../harness/text/tokenizer.ts';
import { BatchSampler, encodeAll, lmLoss, type TrainResult, trainLoop } from '../../harness/training/loop.ts';
import { TrainingOptionsSchema } from '../../harness/training/optimizer.ts';

/** 20 NATO words keyed by short codes: a toy corpus a tiny LM can memorize in ~150 steps. */
export const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
];
export const PAIRS = WORDS.map((w, i) => ({ prompt: `w${i}`, response: w }));
export const TOK = CharTokenizer.fromTexts(PAIRS.flatMap((p) => [p.prompt, p.response]));

export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    vocabSize: TOK.vocabSize,
    dModel: 32,
    layers: 2,
    heads: 4,
    dFF: 64,
    maxLen: 24,
    positions: 'learned',
    ...over,
  };
}

export async function trainTiny(
  seed: number,
  steps: number,
  over: Partial<ModelConfig> = {},
): Promise<{ model: TransformerLM; result: TrainResult }> {
  const model = new TransformerLM(tinyConfig(over), seed);
  const sampler = new BatchSampler(encodeAll(TOK, PAIRS), 10, model.config.maxLen, seed);
  const result = await trainLoop({
    vars: model.trainableVariables(),
    training: TrainingOptionsSchema.parse({ steps, lr: 1e-2, warmupSteps: 10 }),
    nextBatch: () => sampler.next(),
    loss: (b) => lmLoss(model, b),
  });
  return { model, result };
}
