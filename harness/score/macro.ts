import type { ScoreValue } from './data.ts';
import { MACRO_TASK } from './input-schema.ts';

/**
 * The paper's aggregate (docs/methodology.md#macro-average-over-datasets; it reproduces all 11 Avg
 * values of the paper's Table 3):
 * per model and metric, the unweighted mean of the per-dataset values, over the datasets where the
 * metric is defined. A prompt-weighted mean would let the biggest dataset decide.
 */

export function macroSignature(signature: string): string {
  return signature.includes('|agg:mean')
    ? signature.replace('|agg:mean', '|agg:macro')
    : `${signature}|agg:macro`;
}

export function macroValues(values: readonly ScoreValue[]): ScoreValue[] {
  const groups = new Map<string, ScoreValue[]>();
  for (const v of values) {
    if (v.task === MACRO_TASK || !Number.isFinite(v.value)) continue;
    const k = JSON.stringify([v.model, v.split, v.metric]);
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const out: ScoreValue[] = [];
  for (const g of groups.values()) {
    const first = g[0];
    out.push({
      model: first.model,
      task: MACRO_TASK,
      split: first.split,
      metric: first.metric,
      value: g.reduce((s, v) => s + v.value, 0) / g.length,
      signature: macroSignature(first.signature),
      direction: first.direction,
      detail: { datasets: g.length },
      // Each dataset's prompts stay their own stratum: unitsMean of them is this macro value.
      ...(g.every((v) => v.units) ? { units: g.flatMap((v) => v.units!) } : {}),
    });
  }
  return out;
}
