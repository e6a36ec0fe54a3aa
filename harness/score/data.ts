import { naturalCompare } from '../../reports/examples.ts';
import { byName } from '../../reports/order.ts';
import type { ResponseRow } from './input-schema.ts';

/**
 * A response set indexed the ways the metrics read it. Rows with a `probe` are identity probes
 * (split `probes`, scored by ICE); all others are ordinary prompts (split `test`: RSE,
 * homogenization, accuracy/WER).
 */
export type Split = 'test' | 'probes';

/** One metric value of one model on one dataset (or the macro average), before it becomes a ResultRow. */
export interface ScoreValue {
  model: string;
  /** Dataset name, or MACRO_TASK for the macro average. */
  task: string;
  split: Split;
  metric: string;
  value: number;
  signature: string;
  direction: 'higher' | 'lower';
  detail?: Record<string, number>;
  /**
   * Per-prompt values whose mean (unitsMean) is `value`, for metrics that are means over prompts
   * by definition; written to units.jsonl so the gate can put a CI on a single run. Absent for
   * corpus-level metrics (WER, distinct-n) and cross-model ones (homogenization).
   */
  units?: UnitValue[];
}

/** One prompt's value; `stratum` is its dataset (a macro value keeps its datasets apart). */
export interface UnitValue {
  unit: string;
  stratum: string;
  value: number;
}

export interface ScoreData {
  rows: ResponseRow[];
  models: string[];
  datasets: string[];
  reference: string;
  /** promptKey → model → row. */
  byPrompt: Map<string, Map<string, ResponseRow>>;
  /** cellKey(model, dataset, split) → rows in prompt order: one pass over the rows, not one per cell. */
  cells: Map<string, ResponseRow[]>;
}

const cellKey = (model: string, dataset: string, split: Split) => JSON.stringify([model, dataset, split]);

export const splitOf = (r: ResponseRow): Split => (r.probe === undefined ? 'test' : 'probes');
export const promptKey = (dataset: string, promptId: string) => `${dataset}\u0000${promptId}`;

/** Natural order ("p2" before "p10"), the example browser's order. */
export const naturalOrder = naturalCompare;

export function indexRows(rows: ResponseRow[], reference: string): ScoreData {
  const byPrompt = new Map<string, Map<string, ResponseRow>>();
  const cells = new Map<string, ResponseRow[]>();
  for (const r of rows) {
    const c = cellKey(r.model, r.dataset, splitOf(r));
    const cell = cells.get(c);
    if (cell) cell.push(r);
    else cells.set(c, [r]);
    const k = promptKey(r.dataset, r.promptId);
    let m = byPrompt.get(k);
    if (!m) {
      m = new Map();
      byPrompt.set(k, m);
    }
    m.set(r.model, r);
  }
  return {
    rows,
    models: [...new Set(rows.map((r) => r.model))].sort(byName),
    datasets: [...new Set(rows.map((r) => r.dataset))].sort(byName),
    reference,
    byPrompt,
    cells,
  };
}

/** Rows of one model, dataset and split, in prompt order. */
export function rowsOf(data: ScoreData, model: string, dataset: string, split: Split): ResponseRow[] {
  return [...(data.cells.get(cellKey(model, dataset, split)) ?? [])].sort((a, b) =>
    naturalOrder(a.promptId, b.promptId),
  );
}

/** The reference model's row for the same prompt, if it answered it. */
export function referenceRow(data: ScoreData, r: ResponseRow): ResponseRow | undefined {
  return data.byPrompt.get(promptKey(r.dataset, r.promptId))?.get(data.reference);
}
