import { Registry } from '../registry.ts';
import { coDistillation } from './co-distillation.ts';
import { conversational } from './conversational.ts';
import { hardLabel } from './hard-label.ts';
import { labelSmoothing } from './label-smoothing.ts';
import { multiTeacher } from './multi-teacher.ts';
import { none } from './none.ts';
import { onPolicy } from './on-policy.ts';
import { projectionLora } from './projection-lora.ts';
import { purifyAggregation } from './purify-aggregation.ts';
import { purifyClassifierRouter } from './purify-classifier-router.ts';
import { purifyPlackettLuce } from './purify-plackett-luce.ts';
import { purifyRlSelection } from './purify-rl-selection.ts';
import { purifySimilarityRouter } from './purify-similarity-router.ts';
import { reverseKd } from './reverse-kd.ts';
import { softLabel } from './soft-label.ts';
import type { TechniqueDefinition } from './types.ts';
import { weakToStrong } from './weak-to-strong.ts';

/** Every technique, by id. Adding one = one file + one entry here. */
export const techniqueRegistry = new Registry<TechniqueDefinition>('technique');
for (const t of [none, hardLabel, softLabel, coDistillation, onPolicy, conversational, projectionLora]) {
  techniqueRegistry.register(t as TechniqueDefinition);
}
// Multi-teacher distillation and knowledge purification (Jin et al. 2026): need >= 2 teachers.
for (const t of [
  multiTeacher,
  purifyAggregation,
  purifyPlackettLuce,
  purifyClassifierRouter,
  purifySimilarityRouter,
  purifyRlSelection,
]) {
  techniqueRegistry.register(t as TechniqueDefinition);
}
// Small teaching large (docs/weak-to-strong.md).
techniqueRegistry.register(weakToStrong as TechniqueDefinition);
// Reverse KD and its matched-entropy label-smoothing control (docs/weak-to-strong.md).
for (const t of [reverseKd, labelSmoothing]) techniqueRegistry.register(t as TechniqueDefinition);
