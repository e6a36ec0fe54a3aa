import { TransformerLM } from '../models/transformer.ts';
import type { TechniqueContext } from './types.ts';

type Base = Omit<TechniqueContext, 'newStudent' | 'labelled' | 'transfer'> &
  Partial<Pick<TechniqueContext, 'labelled' | 'transfer'>>;

/**
 * Builds a technique context; students are seeded by (run seed, label) so runs are reproducible.
 * Without pools (suites without `data:`) the labelled pool is the shared train split and there is no
 * transfer pool (docs/data-pools.md).
 */
export function makeContext(base: Base): TechniqueContext {
  const ctx = {
    ...base,
    labelled: base.labelled ?? base.data.splits.train,
    transfer: base.transfer ?? [],
  };
  return {
    ...ctx,
    newStudent: (label = 'student', config) =>
      new TransformerLM(config ?? base.studentConfig, `${label}:${base.seed}`),
  };
}

export const silentLogger = { info: () => {}, warn: () => {} };
