/**
 * Score runs (`distill-bench score`, harness/score/write-run.ts) in the report model: rows are
 * recorded models, not techniques; nothing was trained (one seed 0, no costs, no `none` baseline);
 * the reference model every other is compared with (RSE) is a reference row, never "best". Their
 * intervals come from the prompts instead of seeds: units.jsonl holds each prompt's value of the
 * metrics that are means over prompts, and a stratified percentile bootstrap over those prompts
 * (reports/gate/bootstrap.ts, the gate's resampler, given values instead of differences) puts a 95%
 * CI on a single run. Corpus-level metrics (WER) have no per-prompt values, so no CI.
 */
import type { RunDir, UnitRow } from '../harness/runner/run-dir.ts';
import { clampToRange } from '../metrics/ranges.ts';
import { LEVEL } from './gains.ts';
import { pairedBootstrap } from './gate/bootstrap.ts';
import type { ScoreMode, Table } from './model.ts';

/** The role the reference model's rows get in the report model. */
export const SCORE_REFERENCE_ROLE = 'reference';

export const PROMPT_CI_METHOD = 'stratified percentile bootstrap over prompts';

export function scoreModeOf(run: RunDir): ScoreMode | null {
  const env = run.manifest.environment ?? {};
  if (env.mode !== 'score' || typeof env.referenceModel !== 'string') return null;
  return { referenceModel: env.referenceModel };
}

const key = (...parts: string[]) => JSON.stringify(parts);

/** Sets each cell's CI from its prompts (at least 2); the mean stays the results.jsonl value. */
export function attachPromptCis(table: Table, units: readonly UnitRow[]): void {
  const byCell = new Map<string, UnitRow[]>();
  for (const u of units) {
    if (u.task !== table.task || u.split !== table.split) continue;
    const k = key(u.technique, u.student, u.metric);
    byCell.set(k, [...(byCell.get(k) ?? []), u]);
  }
  for (const row of table.rows)
    for (const [metric, cell] of Object.entries(row.cells)) {
      const mine = byCell.get(key(row.technique, row.student, metric));
      if (!mine || mine.length < 2) continue;
      const strata = new Map<string, number[]>();
      for (const u of mine) strata.set(u.stratum, [...(strata.get(u.stratum) ?? []), u.value]);
      const ci = pairedBootstrap([...strata.values()], {
        level: LEVEL,
        seed: key('prompt-ci', table.task, table.split, row.technique, row.student, metric),
      });
      const shown = clampToRange(metric, ci.lo, ci.hi);
      cell.ciLow = shown.lo;
      cell.ciHigh = shown.hi;
      cell.promptCi = { prompts: mine.length, strata: strata.size, method: PROMPT_CI_METHOD };
    }
}
