import { Registry } from '../registry.ts';
import { coDistillation } from './co-distillation.ts';
import { conversational } from './conversational.ts';
import { hardLabel } from './hard-label.ts';
import { none } from './none.ts';
import { onPolicy } from './on-policy.ts';
import { projectionLora } from './projection-lora.ts';
import { softLabel } from './soft-label.ts';
import type { TechniqueDefinition } from './types.ts';

/** Every technique, by id. Adding one = one file + one entry here. */
export const techniqueRegistry = new Registry<TechniqueDefinition>('technique');
for (const t of [none, hardLabel, softLabel, coDistillation, onPolicy, conversational, projectionLora]) {
  techniqueRegistry.register(t as TechniqueDefinition);
}
