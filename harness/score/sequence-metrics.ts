import { accuracyAccumulator } from '../../metrics/accuracy.ts';
import { editAccumulator } from '../../metrics/edit-distance.ts';
import { DIVERSITY_SIGNATURES, distinctN } from '../../metrics/homogenization.ts';
import { metricRegistry } from '../../metrics/index.ts';
import { rseAccumulator } from '../../metrics/rse.ts';
import type { MetricValue } from '../../metrics/types.ts';
import { referenceRow, rowsOf, type ScoreData, type ScoreValue, type Split } from './data.ts';

/**
 * Token-free metrics of one model on one dataset's ordinary prompts:
 * - RSE against the reference model on the same prompt ids: rse-proxy (1-5), rse-rougeL, rse-chrf,
 *   rse-bleu (metrics/rse.ts, no token data in score mode). Signatures gain `|ref:<model>`: numbers
 *   against different reference models are different measurements.
 * - accuracy (exact match after trimming) and WER (corpus level) over the rows that have a gold
 *   `reference`; absent when none does.
 * - distinct-1 and distinct-2 over the model's responses (self-BLEU is left out: it is quadratic in
 *   the number of responses, minutes at 10k).
 */

export function directionOf(metric: string, fallback: 'higher' | 'lower' = 'higher'): 'higher' | 'lower' {
  return metricRegistry.has(metric) ? metricRegistry.get(metric).direction : fallback;
}

export function toScoreValue(
  v: MetricValue,
  at: { model: string; task: string; split: Split },
  signature = v.signature,
): ScoreValue {
  return {
    ...at,
    metric: v.metric,
    value: v.value,
    signature,
    direction: directionOf(v.metric),
    detail: v.detail,
  };
}

export interface SequenceResult {
  values: ScoreValue[];
  /** Prompts the reference model did not answer: left out of RSE. */
  unpaired: number;
  pairs: number;
}

export function sequenceMetrics(data: ScoreData, model: string, dataset: string): SequenceResult {
  const rows = rowsOf(data, model, dataset, 'test');
  const at = { model, task: dataset, split: 'test' as const };
  const values: ScoreValue[] = [];
  if (rows.length === 0) return { values, unpaired: 0, pairs: 0 };

  const rse = rseAccumulator();
  let state = rse.empty();
  let unpaired = 0;
  for (const r of rows) {
    const ref = referenceRow(data, r);
    if (!ref) {
      unpaired++;
      continue;
    }
    state = rse.update(state, { studentResponse: r.response, teacherResponse: ref.response });
  }
  if (state.pairs > 0) {
    const suffix = `|ref:${data.reference}`;
    for (const v of rse.compute(state)) values.push(toScoreValue(v, at, v.signature + suffix));
  }

  const gold = rows.filter((r) => r.reference !== undefined);
  if (gold.length) {
    const acc = accuracyAccumulator();
    const wer = editAccumulator('word');
    let a = acc.empty();
    let w = wer.empty();
    for (const r of gold) {
      a = acc.update(a, { prediction: r.response, gold: r.reference! });
      w = wer.update(w, { reference: r.reference!, hypothesis: r.response });
    }
    for (const v of acc.compute(a)) values.push(toScoreValue(v, at));
    for (const v of wer.compute(w)) if (v.metric === 'wer') values.push(toScoreValue(v, at));
  }

  const responses = rows.map((r) => r.response);
  for (const n of [1, 2]) {
    const d = distinctN(responses, n);
    const metric = `distinct-${n}`;
    values.push({
      ...at,
      metric,
      value: d.value,
      signature: DIVERSITY_SIGNATURES.distinct(n),
      direction: directionOf(metric),
      detail: { unique: d.unique, total: d.total },
    });
  }
  return { values, unpaired, pairs: state.pairs };
}
