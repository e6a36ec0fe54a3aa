import { Rng } from '../engine/rng.ts';
import { UsageError } from '../errors.ts';
import type { TransformerLM } from '../models/transformer.ts';
import type { Example, TransferPrompt } from '../tasks/types.ts';
import { generate } from '../text/generate.ts';
import type { TechniqueContext } from './types.ts';

/** The pools of one weak-to-strong run: who trains on what (docs/weak-to-strong.md, "The pools"). */
export interface W2SPools {
  weakTrain: Example[];
  transfer: TransferPrompt[];
  /** Gold for `transfer`, used only by the ceiling reference. */
  transferGold: Example[];
  unlabeledTexts: string[];
  source: 'transfer-pool' | 'labelled-halves';
}

/**
 * With a transfer pool the weak supervisor trains on all of `labelled`. Without one (suites without
 * `data:`) the labelled pool is split in two by a seeded shuffle, as Burns et al. split their training
 * set: the first half trains the weak supervisor, the second half's prompts are the transfer pool and
 * its gold is seen only by the ceiling.
 */
export function w2sPools(ctx: TechniqueContext): W2SPools {
  if (ctx.labelled.length === 0)
    throw new UsageError(
      'technique weak-to-strong: the labelled pool is empty, so there is nothing to train the weak supervisor on. ' +
        'Fix: give the task a labelled pool (data.labelled in the suite file) or use a task with a train split.',
      { field: 'data.labelled' },
    );
  if (ctx.transfer.length > 0) {
    const gold = ctx.transferGoldForCeiling?.();
    if (!gold || gold.length !== ctx.transfer.length)
      throw new Error(
        'weak-to-strong: the runner did not provide transfer gold for the strong-ceiling reference',
      );
    return {
      weakTrain: ctx.labelled,
      transfer: ctx.transfer,
      transferGold: gold,
      unlabeledTexts: [...ctx.transfer, ...ctx.labelled].map((e) => e.prompt),
      source: 'transfer-pool',
    };
  }
  const order = new Rng(`w2s-halves:${ctx.seed}`).shuffle(Array.from(ctx.labelled.keys()));
  const half = Math.floor(order.length / 2);
  if (half < 2)
    throw new UsageError(
      `technique weak-to-strong: the labelled pool has ${ctx.labelled.length} examples, too few to split into a weak half and a transfer half. ` +
        'Fix: enlarge the task (its size option) or give the suite a data.transfer pool.',
      { field: 'data.labelled' },
    );
  const weakTrain = order.slice(0, half).map((i) => ctx.labelled[i]);
  const transferGold = order.slice(half).map((i) => ctx.labelled[i]);
  return {
    weakTrain,
    transfer: transferGold.map(({ id, prompt, meta }) => ({ id, prompt, meta })),
    transferGold,
    unlabeledTexts: ctx.labelled.map((e) => e.prompt),
    source: 'labelled-halves',
  };
}

/** Share of transfer prompts on which the strong student's greedy answer equals the weak label. */
export async function agreementWith(
  model: TransformerLM,
  ctx: TechniqueContext,
  weakLabelled: Example[],
  maxNewTokens: number,
): Promise<number> {
  const out = await generate(
    model,
    ctx.tokenizer,
    weakLabelled.map((e) => e.prompt),
    { maxNewTokens },
  );
  return out.filter((g, i) => g.text === weakLabelled[i].response).length / Math.max(1, out.length);
}
