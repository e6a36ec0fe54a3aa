import { accuracyAccumulator, isExactMatch } from '../../metrics/accuracy.ts';
import { editAccumulator } from '../../metrics/edit-distance.ts';
import { DIVERSITY_SIGNATURES, distinctN } from '../../metrics/homogenization.ts';
import { directionOf } from '../../metrics/index.ts';
import { rseAccumulator, rseProxy, sequenceSimilarity } from '../../metrics/rse.ts';
import type { MetricValue } from '../../metrics/types.ts';
import { referenceRow, rowsOf, type ScoreData, type ScoreValue, type Split, type UnitValue } from './data.ts';
import { forSimilarity } from './similarity-cap.ts';

/**
 * Token-free metrics of one model on one dataset's ordinary prompts:
 * - RSE against the reference model on the same prompt ids: rse-proxy (1-5), rse-rougeL, rse-chrf,
 *   rse-bleu (metrics/rse.ts, no token data in score mode), on responses cut to MAX_SIMILARITY_CHARS
 *   (similarity-cap.ts). Signatures gain `|ref:<model>`: numbers
 *   against different reference models are different measurements.
 * - accuracy (exact match after trimming) and WER (corpus level) over the rows that have a gold
 *   `reference`; absent when none does.
 * - distinct-1 and distinct-2 over the model's responses (self-BLEU is left out: it is quadratic in
 *   the number of responses, minutes at 10k).
 * RSE and accuracy are means over prompts, so their values carry per-prompt `units`; WER and
 * distinct-n are corpus-level (ratios of summed counts) and carry none.
 */

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
  const rseUnits: Record<'rse-proxy' | 'rse-rougeL' | 'rse-chrf' | 'rse-bleu', UnitValue[]> = {
    'rse-proxy': [],
    'rse-rougeL': [],
    'rse-chrf': [],
    'rse-bleu': [],
  };
  for (const r of rows) {
    const ref = referenceRow(data, r);
    if (!ref) {
      unpaired++;
      continue;
    }
    // One similarity per prompt feeds both the accumulator (as a one-pair state, exactly what its
    // update adds without token data) and the units: computing it twice would double the cost of
    // the slowest part of score (ROUGE-L's LCS on long responses).
    const sim = sequenceSimilarity(forSimilarity(r.response), forSimilarity(ref.response));
    state = rse.merge(state, { pairs: 1, ...sim, positions: 0, agree: 0, jsd: 0 });
    const unit = (value: number): UnitValue => ({ unit: r.promptId, stratum: dataset, value });
    rseUnits['rse-proxy'].push(unit(rseProxy(sim).score));
    rseUnits['rse-rougeL'].push(unit(sim.rougeL));
    rseUnits['rse-chrf'].push(unit(100 * sim.chrf));
    rseUnits['rse-bleu'].push(unit(100 * sim.bleu));
  }
  if (state.pairs > 0) {
    const suffix = `|ref:${data.reference}`;
    for (const v of rse.compute(state)) {
      const units = rseUnits[v.metric as keyof typeof rseUnits];
      values.push({ ...toScoreValue(v, at, v.signature + suffix), ...(units ? { units } : {}) });
    }
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
    // The accumulator's default extractor is a trim, the same as isExactMatch's default.
    const units = gold.map((r) => ({
      unit: r.promptId,
      stratum: dataset,
      value: isExactMatch(r.response, r.reference!) ? 1 : 0,
    }));
    for (const v of acc.compute(a)) values.push({ ...toScoreValue(v, at), units });
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
