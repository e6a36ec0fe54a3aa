import { TransformerLM } from '../models/transformer.ts';
import type { TechniqueContext } from './types.ts';

/** Builds a technique context; students are seeded by (run seed, label) so runs are reproducible. */
export function makeContext(
  base: Omit<TechniqueContext, 'newStudent' | 'labelled' | 'transfer'> &
    Partial<Pick<TechniqueContext, 'labelled' | 'transfer'>>,
): TechniqueContext {
  return {
    ...base,
    // Suites without pools: the shared train split is the gold pool and nothing is unlabelled.
    labelled: base.labelled ?? base.data.splits.train,
    transfer: base.transfer ?? [],
    newStudent: (label = 'student', config) =>
      new TransformerLM(config ?? base.studentConfig, `${label}:${base.seed}`),
  };
}

export const silentLogger = { info: () => {}, warn: () => {} };
