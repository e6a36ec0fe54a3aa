import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.ts';
import { resultsCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderRunSummary } from './terminal-summary.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

// The loss-tail slope of each student job (harness/training/loss-tail.ts) reaches every report as
// a cost column: the mean over the row's seeds.
describe('loss-tail slope in the reports', () => {
  const run = syntheticRun({
    techniques: ['none', 'soft-label'],
    seeds: [1, 2],
    examples: 0,
    failedJob: false,
  });
  for (const j of run.jobs)
    if (j.kind === 'student' && j.cost)
      j.cost.lossTailSlope = j.technique === 'none' ? -0.25 : -0.125 * j.seed;
  const model = aggregate(run);

  it('is the mean over seeds in results.csv', () => {
    const [head, ...rows] = parse(resultsCsv(model), { bom: true }) as string[][];
    const col = head.indexOf('loss_tail_slope_per_100_steps');
    const tech = head.indexOf('technique');
    expect(col).toBeGreaterThan(0);
    const of = (t: string) => new Set(rows.filter((r) => r[tech] === t).map((r) => r[col]));
    expect(of('none')).toEqual(new Set(['-0.25']));
    expect(of('soft-label')).toEqual(new Set(['-0.1875'])); // (−0.125 − 0.25) / 2
  });

  it('is a cost column of report.html and of the terminal summary', () => {
    const html = renderHtml(model, run);
    expect(html).toContain('loss slope');
    expect(html).toContain('-0.188');
    const text = renderRunSummary(model);
    expect(text).toContain('loss slope/100 steps');
    expect(text).toMatch(/soft-label.*-0\.188/);
  });
});
