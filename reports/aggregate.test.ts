import { describe, expect, it } from 'vitest';
import type { ResultRow, RunDir } from '../harness/runner/run-dir.ts';
import { meanCi, pairedDifference } from '../metrics/stats.ts';
import { aggregate } from './aggregate.ts';
import { resultRow } from './testing/rows.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

const row = resultRow;

function runOf(results: ResultRow[]): RunDir {
  const base = syntheticRun({ examples: 0, failedJob: false });
  return { ...base, results, jobs: [], examples: [] };
}

describe('aggregate', () => {
  it('makes gold-nll the primary metric when present, else accuracy, else wer', () => {
    const primary = (metrics: string[]) =>
      aggregate(runOf(metrics.flatMap((m) => [1, 2].map((s) => row('none', s, m, 0.5))))).tables[0].primary;
    expect(primary(['wer', 'accuracy', 'gold-nll'])).toBe('gold-nll');
    expect(primary(['wer', 'accuracy'])).toBe('accuracy');
    expect(primary(['cer', 'wer'])).toBe('wer');
    expect(primary(['cer'])).toBe('cer');
  });
  it('gives mean and t interval over seeds, and the paired gain over none', () => {
    const none = [0.5, 0.52, 0.49];
    const soft = [0.6, 0.61, 0.62];
    const model = aggregate(
      runOf([
        ...none.map((v, i) => row('none', i + 1, 'accuracy', v)),
        ...soft.map((v, i) => row('soft-label', i + 1, 'accuracy', v)),
      ]),
    );
    const [t] = model.tables;
    const cell = t.rows.find((r) => r.technique === 'soft-label')!.cells.accuracy;
    const ci = meanCi(soft);
    expect(cell.mean).toBeCloseTo(ci.estimate, 12);
    expect(cell.ciLow).toBeCloseTo(ci.lo!, 12);
    expect(cell.n).toBe(3);
    const d = pairedDifference(soft, none);
    expect(cell.gain!.diff).toBeCloseTo(d.meanDiff, 12);
    expect(cell.gain!.ciLow).toBeCloseTo(d.ci.lo!, 12);
    expect(cell.gain!.p).toBeCloseTo(d.pT!, 12);
    expect(cell.gain!.significance).toBe('significant');
    expect(cell.gain!.better).toBe(true);
    expect(cell.best).toBe(true);
    expect(t.rows.find((r) => r.technique === 'none')!.cells.accuracy.gain).toBeUndefined();
  });

  it('pairs only shared seeds and says "not significant" when the CI covers 0', () => {
    const model = aggregate(
      runOf([
        row('none', 1, 'accuracy', 0.5),
        row('none', 2, 'accuracy', 0.6),
        row('none', 3, 'accuracy', 0.9),
        row('none', 4, 'accuracy', 0.7),
        row('hard-label', 1, 'accuracy', 0.55),
        row('hard-label', 2, 'accuracy', 0.5),
        row('hard-label', 3, 'accuracy', 0.95),
      ]),
    );
    const g = model.tables[0].rows.find((r) => r.technique === 'hard-label')!.cells.accuracy.gain!;
    expect(g.n).toBe(3);
    // Differences on seeds 1-3: +0.05, −0.1, +0.05.
    expect(g.diff).toBeCloseTo((0.05 - 0.1 + 0.05) / 3, 12);
    expect(g.significance).toBe('not significant');
  });

  it('labels a one-seed comparison inconclusive instead of guessing', () => {
    const g = aggregate(runOf([row('none', 1, 'accuracy', 0.5), row('soft-label', 1, 'accuracy', 0.9)]))
      .tables[0].rows[1].cells.accuracy.gain!;
    expect(g.significance).toBe('inconclusive');
    expect(g.inconclusiveReason).toMatch(/1 paired seed/);
    expect(g.ciLow).toBeNull();
  });

  it('marks the best per column by the metric direction (lower WER wins), ties all best', () => {
    const wer = (t: string, v: number) => row(t, 1, 'wer', v, { direction: 'lower' });
    const model = aggregate(runOf([wer('none', 0.3), wer('a', 0.1), wer('b', 0.1), wer('c', 0.5)]));
    const best = model.tables[0].rows.filter((r) => r.cells.wer.best).map((r) => r.technique);
    expect(best).toEqual(['a', 'b']);
    const allTied = aggregate(runOf([wer('none', 0), wer('a', 0)]));
    expect(allTied.tables[0].rows.some((r) => r.cells.wer.best)).toBe(false);
  });

  it("falls back to the row's own direction for a metric the registry does not know", () => {
    const m = (t: string, v: number) => row(t, 1, 'my-latency', v, { direction: 'lower' });
    const model = aggregate(runOf([m('none', 3), m('x', 1)]));
    expect(model.tables[0].metrics[0]).toMatchObject({
      id: 'my-latency',
      direction: 'lower',
      directionSource: 'row',
    });
    expect(model.tables[0].rows.find((r) => r.technique === 'x')!.cells['my-latency'].best).toBe(true);
  });

  it('drops non-finite values (a diverged job) and lists their seeds', () => {
    const model = aggregate(
      runOf([
        row('none', 1, 'accuracy', 0.5),
        row('none', 2, 'accuracy', null as unknown as number),
        row('none', 3, 'accuracy', 0.7),
      ]),
    );
    const c = model.tables[0].rows[0].cells.accuracy;
    expect(c.n).toBe(2);
    expect(c.dropped).toEqual([2]);
    expect(c.mean).toBeCloseTo(0.6, 12);
  });

  it('puts none first, then techniques alphabetically; test before ood before probes', () => {
    const model = aggregate(syntheticRun({ techniques: ['zeta', 'none', 'alpha'] }));
    expect(model.techniques).toEqual(['none', 'alpha', 'zeta']);
    expect(model.tables.map((t) => t.split)).toEqual(['test', 'ood', 'probes']);
  });

  it('does not depend on the order of the input rows', () => {
    const run = syntheticRun();
    const shuffled = { ...run, results: [...run.results].reverse(), jobs: [...run.jobs].reverse() };
    expect(JSON.stringify(aggregate(shuffled))).toBe(JSON.stringify(aggregate(run)));
  });

  it('collects failed jobs, and manifest and cost warnings once each', () => {
    const run = syntheticRun();
    run.manifest.warnings.push(
      'soft-label/nano/seed 1: loss term kl is 40x smaller than ce; consider raising its weight',
    );
    const h = aggregate(run).header;
    expect(h.failedJobs).toEqual([
      {
        label: 'arithmetic-rationales/on-policy/nano/seed 1',
        error: "training diverged at step 41: loss term 'kl' is NaN",
      },
    ]);
    expect(h.warnings.filter((w) => w.includes('40x smaller'))).toHaveLength(1);
    expect(h.synthetic).toBe(true);
  });

  it('averages cost over seeds, loss curves per step, and teacher disagreement matrices', () => {
    const model = aggregate(syntheticRun());
    const row0 = model.tables[0].rows.find((r) => r.technique === 'hard-label')!;
    expect(row0.cost).toMatchObject({ optimizerSteps: 60, teacherForwardTokens: 24000, n: 2 });
    expect(model.curves.map((c) => c.technique)).toEqual(['none', 'hard-label', 'soft-label']);
    expect(model.curves[0].points).toHaveLength(20);
    expect(model.conflict).toHaveLength(1);
    expect(model.conflict[0].matrix[0][2]).toBeCloseTo(0.35, 12);
  });
});
