import { pairwiseAccumulator, pairwiseMatrix, pairwiseSignature } from '../../metrics/homogenization.ts';
import { directionOf } from '../../metrics/index.ts';
import { type ScoreData, type ScoreValue, splitOf } from './data.ts';
import { forSimilarity } from './similarity-cap.ts';

/**
 * Homogenization across the recorded models on one dataset: ROUGE-L F1 between every two models'
 * responses to the same prompt (cut to MAX_SIMILARITY_CHARS, similarity-cap.ts), averaged over
 * prompts per pair (metrics/homogenization.ts). A model's row value is the mean of its pairs (its
 * similarity to each other model, equally weighted); the whole matrix and the all-pairs mean go to
 * score.json.
 */

export const PER_MODEL_SUFFIX = '|row:mean-of-pairs-with-model';

export interface PairwiseResult {
  values: ScoreValue[];
  models: string[];
  matrix: number[][];
  /** Mean over all model pairs (the registry's homogenization-pairwise); NaN with < 2 models. */
  overall: number;
}

export function pairwiseMetrics(data: ScoreData, dataset: string): PairwiseResult {
  const byPrompt: Record<string, string>[] = [];
  for (const answers of data.byPrompt.values()) {
    const first = answers.values().next().value;
    if (!first || first.dataset !== dataset) continue;
    // Keyed by model names (user text): no prototype, so '__proto__' or 'constructor' is a model
    // like any other, not Object.prototype's member.
    const map: Record<string, string> = Object.create(null);
    for (const [model, r] of answers) if (splitOf(r) === 'test') map[model] = forSimilarity(r.response);
    if (Object.keys(map).length > 1) byPrompt.push(map);
  }
  const models = data.models.filter((m) => byPrompt.some((p) => Object.hasOwn(p, m)));
  const acc = pairwiseAccumulator(models);
  let state = acc.empty();
  for (const p of byPrompt) state = acc.update(state, p);
  const matrix = pairwiseMatrix(state);
  const overall = acc.compute(state)[0].value;
  const signature = pairwiseSignature() + PER_MODEL_SUFFIX;
  const values: ScoreValue[] = [];
  models.forEach((model, i) => {
    const others = matrix[i].filter((v, j) => j !== i && !Number.isNaN(v));
    if (others.length === 0) return;
    values.push({
      model,
      task: dataset,
      split: 'test',
      metric: 'homogenization-pairwise',
      value: others.reduce((s, v) => s + v, 0) / others.length,
      signature,
      direction: directionOf('homogenization-pairwise', 'lower'),
      detail: { pairs: others.length },
    });
  });
  return { values, models, matrix, overall };
}
