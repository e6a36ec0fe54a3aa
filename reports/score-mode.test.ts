/**
 * Score runs in the report model (reports/score-mode.ts), without a browser: the reference model is
 * a reference row and never best, a model called `none` is no baseline, and CIs come from the
 * prompts of units.jsonl.
 */
import { describe, expect, it } from 'vitest';
import type { RunDir, UnitRow } from '../harness/runner/run-dir.ts';
import { aggregate } from './aggregate.ts';
import { renderSummary } from './summary.ts';
import { resultRow } from './testing/rows.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

/** Per model: its per-prompt accuracy (0/1) on four prompts; the cell value is their mean. */
const PROMPTS: Record<string, number[]> = { ref: [1, 1, 1, 1], none: [1, 1, 1, 1], wren: [0, 0, 0, 1] };

function scoreRun(): { run: RunDir; units: UnitRow[] } {
  const base = syntheticRun({ techniques: [] });
  const row = (model: string) =>
    resultRow(model, 0, 'accuracy', PROMPTS[model].reduce((s, x) => s + x, 0) / 4, { student: 'recorded' });
  const units = Object.entries(PROMPTS).flatMap(([model, values]) =>
    values.map((value, i) => {
      const { direction: _, ...cell } = row(model);
      return { ...cell, unit: `p${i}`, stratum: 't', value };
    }),
  );
  const run: RunDir = {
    ...base,
    manifest: { ...base.manifest, seeds: [0], environment: { mode: 'score', referenceModel: 'ref' } },
    results: Object.keys(PROMPTS).map(row),
    jobs: [],
    examples: [],
  };
  return { run, units };
}

describe('score runs in the report model', () => {
  it('marks the reference model, stars only the others, and has no baseline', () => {
    const { run, units } = scoreRun();
    const model = aggregate(run, units);
    expect(model.score).toEqual({ referenceModel: 'ref' });
    expect(model.baseline).toBeNull(); // 'none' here is a recorded model's name
    const t = model.tables[0];
    expect(t.rows.map((r) => [r.technique, r.role ?? null, r.cells.accuracy.best])).toEqual([
      ['none', null, true],
      ['ref', 'reference', false],
      ['wren', null, false],
    ]);
    expect(t.rows[0].cells.accuracy.gain).toBeUndefined();
  });

  it('puts a bootstrap CI over prompts on each cell', () => {
    const { run, units } = scoreRun();
    const cells = Object.fromEntries(
      aggregate(run, units).tables[0].rows.map((r) => [r.technique, r.cells.accuracy]),
    );
    // 1 of 4: P(resampled mean = 0) = (3/4)^4 = 32% and P(mean >= 0.75) = 13/256 = 5.1% exceed 2.5%,
    // P(mean = 1) = 1/256 does not: the percentile CI is [0, 0.75].
    expect([cells.wren.mean, cells.wren.ciLow, cells.wren.ciHigh]).toEqual([0.25, 0, 0.75]);
    expect(cells.wren.promptCi).toMatchObject({ prompts: 4, strata: 1 });
    expect([cells.ref.ciLow, cells.ref.ciHigh]).toEqual([1, 1]); // the same value on every prompt
  });

  it('without units.jsonl: no CI (one value per model), still a score run', () => {
    const { run } = scoreRun();
    const wren = aggregate(run).tables[0].rows.find((r) => r.technique === 'wren')!.cells.accuracy;
    expect([wren.ciLow, wren.ciHigh, wren.promptCi]).toEqual([null, null, undefined]);
  });

  it('summary.md: a model column, the reference marked and not starred, no cost columns', () => {
    const { run, units } = scoreRun();
    const lines = renderSummary(aggregate(run, units)).split('\n');
    expect(lines.filter((l) => l.startsWith('| ') && !l.includes('---'))).toEqual([
      '| model | accuracy ↑ |',
      '| none | **1.000 ± 0.000** ★ |',
      '| ref _(reference model)_ | 1.000 ± 0.000 |',
      '| wren | 0.250 [0.000, 0.750] |',
    ]);
    expect(lines.join('\n')).not.toMatch(/seeds|steps|wall time|vs none/);
  });

  it('a training run is not a score run', () => {
    expect(aggregate(syntheticRun()).score).toBeNull();
  });
});
