import { TransformerLM } from '../models/transformer.ts';
import type { TechniqueContext } from './types.ts';

/** Builds a technique context; students are seeded by (run seed, label) so runs are reproducible. */
export function makeContext(base: Omit<TechniqueContext, 'newStudent'>): TechniqueContext {
  return {
    ...base,
    newStudent: (label = 'student', config) =>
      new TransformerLM(config ?? base.studentConfig, `${label}:${base.seed}`),
  };
}

export const silentLogger = { info: () => {}, warn: () => {} };
