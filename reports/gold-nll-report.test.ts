import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../harness/runner/run-dir.ts';
import { aggregate } from './aggregate.ts';
import { renderHtml } from './html.ts';
import { resultRow } from './testing/rows.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

// With gold-nll as a table's primary metric, the report's metric picker still shows exact match
// and WER at first; other columns stay one click away.
describe('gold-nll as the primary metric in report.html', () => {
  const rows: ResultRow[] = [];
  for (const technique of ['none', 'soft-label'])
    for (const seed of [1, 2, 3])
      for (const [metric, direction] of [
        ['gold-nll', 'lower'],
        ['accuracy', 'higher'],
        ['wer', 'lower'],
        ['cer', 'lower'],
      ] as const)
        rows.push(resultRow(technique, seed, metric, 0.5 + 0.01 * seed, { direction }));
  const run = { ...syntheticRun({ examples: 0, failedJob: false }), results: rows, jobs: [], examples: [] };

  it('marks gold-nll, accuracy and wer shown, cer hidden', () => {
    const model = aggregate(run);
    expect(model.tables[0].primary).toBe('gold-nll');
    const html = renderHtml(model, run);
    const shown = [...html.matchAll(/data-metric="([^"]+)" data-primary="1"/g)].map((m) => m[1]);
    expect(shown.sort()).toEqual(['accuracy', 'gold-nll', 'wer']);
    expect(html).toContain('data-metric="cer"');
  });
});
