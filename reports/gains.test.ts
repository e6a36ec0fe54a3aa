import { describe, expect, it } from 'vitest';
import type { ExampleRow, ResultRow, RunDir } from '../harness/runner/run-dir.ts';
import { gapRecovered } from '../metrics/gap-recovered.ts';
import { pairedDifference } from '../metrics/stats.ts';
import { aggregate } from './aggregate.ts';
import { resultsCsv } from './csv.ts';
import { findings } from './findings.ts';
import { meanPm } from './format.ts';
import { renderSummary } from './summary.ts';
import { exampleRow, resultRow } from './testing/rows.ts';
import { syntheticRun } from './testing/synthetic-run.ts';

const row = (technique: string, seed: number, value: number, extra: Partial<ResultRow> = {}) =>
  resultRow(technique, seed, 'accuracy', value, extra);

const rowsOf = (technique: string, values: number[], extra: Partial<ResultRow> = {}) =>
  values.map((v, i) => row(technique, i + 1, v, extra));

function runOf(results: ResultRow[], examples: ExampleRow[] = []): RunDir {
  const base = syntheticRun({ examples: 0, failedJob: false });
  return { ...base, results, jobs: [], examples };
}

const rowOf = (run: RunDir, technique: string) =>
  aggregate(run).tables[0].rows.find((r) => r.technique === technique)!;

describe('inconclusive differences', () => {
  it('every seed agreeing exactly is inconclusive in the gain, the findings and summary.md', () => {
    // Dyadic values: the difference is exactly +0.125 on every seed.
    const none = [0.5, 0.625, 0.75];
    const hard = [0.625, 0.75, 0.875];
    // Without the rule this would be "significant": the zero-width t interval excludes 0.
    const d = pairedDifference(hard, none);
    expect([d.ci.lo, d.ci.hi]).toEqual([0.125, 0.125]);
    const run = runOf([...rowsOf('none', none), ...rowsOf('hard-label', hard)]);
    const g = rowOf(run, 'hard-label').cells.accuracy.gain!;
    expect(g.significance).toBe('inconclusive');
    expect(g.inconclusiveReason).toMatch(/zero variance/);
    const f = findings(aggregate(run))[0].findings.find((x) => x.text.startsWith('hard-label'))!;
    expect(f.significance).toBe('inconclusive');
    expect(f.text).toMatch(/inconclusive \(every seed gives exactly the same difference \(zero variance\)\)/);
    expect(renderSummary(aggregate(run))).not.toMatch(/hard-label beats none[^\n]*, significant/);
  });

  it('two paired seeds are inconclusive even when the t interval excludes 0', () => {
    const none = [0.5, 0.6];
    const soft = [0.7, 0.81];
    const d = pairedDifference(soft, none);
    expect(d.ci.lo!).toBeGreaterThan(0);
    const g = rowOf(runOf([...rowsOf('none', none), ...rowsOf('soft-label', soft)]), 'soft-label').cells
      .accuracy.gain!;
    expect(g.significance).toBe('inconclusive');
    expect(g.inconclusiveReason).toMatch(/2 paired seeds/);
    expect(g.pHolm).toBeNull();
  });
});

describe('Holm over the technique-vs-none family', () => {
  const none = [0.5, 0.6, 0.7];
  const plus = (d: number[]) => none.map((x, i) => x + d[i]);
  const run = runOf([
    ...rowsOf('none', none),
    ...rowsOf('a', plus([0.1, 0.12, 0.14])),
    ...rowsOf('b', plus([0.05, 0.1, 0.06])),
    ...rowsOf('c', plus([0.02, 0.1, 0.03])),
    // Reference rows: never in the family, never best.
    ...rowsOf('teacher', [0.99, 0.99, 0.99], { role: 'teacher', student: 'big' }),
    ...rowsOf('oracle', [0.9, 0.95, 0.97], { role: 'oracle' }),
  ]);

  it('adjusts each raw p by hand and decides on the adjusted p', () => {
    const model = aggregate(run);
    const gain = (t: string) => model.tables[0].rows.find((r) => r.technique === t)!.cells.accuracy.gain!;
    const [pa, pb, pc] = ['a', 'b', 'c'].map((t) => gain(t).p!);
    // Raw p ≈ 0.0091, 0.0445, 0.1853 (sorted a < b < c). Holm with k = 3:
    //   a: 3 · pa ≈ 0.0274;  b: max(3 · pa, 2 · pb) ≈ 0.0889;  c: max(0.0889, 1 · pc) ≈ 0.1853.
    expect(pa).toBeLessThan(pb);
    expect(pb).toBeLessThan(pc);
    expect(gain('a').pHolm).toBeCloseTo(3 * pa, 12);
    expect(gain('b').pHolm).toBeCloseTo(Math.max(3 * pa, 2 * pb), 12);
    expect(gain('c').pHolm).toBeCloseTo(Math.max(3 * pa, 2 * pb, pc), 12);
    for (const t of ['a', 'b', 'c']) expect(gain(t).holmK).toBe(3);
    expect(gain('a').significance).toBe('significant');
    // b is below 0.05 raw but not after Holm.
    expect(pb).toBeLessThan(0.05);
    expect(gain('b').significance).toBe('not significant');
    // The Holm-level CI of the first step is the 1 − 0.05/3 interval, and excludes 0 (significant).
    expect(gain('a').holmCi!.level).toBeCloseTo(1 - 0.05 / 3, 12);
    expect(gain('a').holmCi!.lo).toBeGreaterThan(0);
    // "a", not "a (s)": the teacher row's own student ('big') does not make the table multi-student.
    expect(renderSummary(model)).toMatch(
      /(?<!\S)a beats none on accuracy by \+0\.120 \\\[[^\n]*Holm-level, significant \(Holm-adjusted over 3 comparisons, p = 0\.027\)/,
    );
  });

  it('keeps teacher and oracle rows as references: no gain, not best, flagged in the CSV', () => {
    const model = aggregate(run);
    const rows = model.tables[0].rows;
    const teacher = rows.find((r) => r.technique === 'teacher')!;
    const oracle = rows.find((r) => r.technique === 'oracle')!;
    expect(teacher.role).toBe('teacher');
    expect(teacher.cells.accuracy.gain).toBeUndefined();
    expect(oracle.cells.accuracy.gain).toBeUndefined();
    expect(teacher.cells.accuracy.best).toBe(false);
    expect(rows.find((r) => r.technique === 'a')!.cells.accuracy.best).toBe(true);
    const csv = resultsCsv(model);
    expect(csv.split('\n')[0]).toContain('gap_recovered');
    expect(csv).toMatch(/\nt,test,teacher,big,teacher,accuracy,/);
  });

  it('gap recovered = (technique − none) / (oracle − none) from the oracle rows', () => {
    const model = aggregate(run);
    const a = model.tables[0].rows.find((r) => r.technique === 'a')!.cells.accuracy.gapRecovered!;
    // Means: none 0.6, a 0.72, oracle 0.94 → (0.72 − 0.6) / (0.94 − 0.6) = 0.12 / 0.34.
    expect(a.value).toBeCloseTo(0.12 / 0.34, 12);
    expect(a).toEqual(
      gapRecovered(plus([0.1, 0.12, 0.14]), none, [0.9, 0.95, 0.97], { level: 0.95, seed: 0 }),
    );
    expect(renderSummary(model)).toContain('gap recovered (vs oracle)');
  });
});

describe('intervals', () => {
  it('clamps a cell interval to the metric range and shows it asymmetric', () => {
    const cell = rowOf(runOf(rowsOf('none', [0.98, 1, 1])), 'none').cells.accuracy;
    expect(cell.ciHigh).toBe(1);
    expect(cell.ciLow!).toBeLessThan(0.98);
    expect(meanPm(cell)).toMatch(/^0\.993 \[0\.\d{3}, 1\.000\]$/);
  });

  it('adds a paired cluster bootstrap CI from per-example correctness', () => {
    // Per seed, 4 shared examples; accuracy equals the mean of `correct`.
    const pattern = {
      none: [
        [1, 0, 0, 0],
        [1, 1, 0, 0],
        [0, 1, 0, 0],
      ],
      soft: [
        [1, 1, 1, 0],
        [1, 1, 1, 0],
        [1, 1, 0, 1],
      ],
    };
    const examples: ExampleRow[] = [];
    const results: ResultRow[] = [];
    for (const [technique, seeds] of Object.entries(pattern)) {
      seeds.forEach((cs, s) => {
        results.push(
          row(technique === 'soft' ? 'soft-label' : 'none', s + 1, cs.reduce((x, y) => x + y) / 4),
        );
        cs.forEach((c, i) =>
          examples.push(
            exampleRow(technique === 'soft' ? 'soft-label' : 'none', s + 1, `e${i}`, { correct: c === 1 }),
          ),
        );
      });
    }
    const g = rowOf(runOf(results, examples), 'soft-label').cells.accuracy.gain!;
    // diff = mean(0.75, 0.75, 0.75) − mean(0.25, 0.5, 0.25) = 0.75 − 1/3.
    expect(g.diff).toBeCloseTo(0.75 - 1 / 3, 12);
    expect(g.bootstrap).not.toBeNull();
    expect(g.bootstrap!.lo).toBeLessThanOrEqual(g.diff);
    expect(g.bootstrap!.hi).toBeGreaterThanOrEqual(g.diff);
    expect(g.bootstrap!.signature).toMatch(/cluster-bootstrap/);
  });

  it('bootstraps gold-nll token-weighted, so its mean is the corpus difference', () => {
    // e0 has 1 gold token, e1 has 3. none: NLL/token 2 and 1 → corpus (2·1 + 1·3)/4 = 1.25;
    // soft-label: 1 and 2/3 → (1 + 2)/4 = 0.75. Token-weighted per-example differences are both
    // −0.5 (sum difference / mean tokens 2), so every resample is −0.5; unweighted ones (−1, −1/3)
    // would give a wide interval around −2/3.
    const per = { none: [2, 1], 'soft-label': [1, 2 / 3] };
    const tokens = [1, 3];
    const examples: ExampleRow[] = [];
    const results: ResultRow[] = [];
    for (const [technique, nll] of Object.entries(per))
      for (const seed of [1, 2, 3]) {
        const corpus = (nll[0] * tokens[0] + nll[1] * tokens[1]) / 4;
        results.push(row(technique, seed, corpus, { metric: 'gold-nll', direction: 'lower' }));
        nll.forEach((v, i) =>
          examples.push(exampleRow(technique, seed, `e${i}`, { goldNll: v, goldTokens: tokens[i] })),
        );
      }
    const g = rowOf(runOf(results, examples), 'soft-label').cells['gold-nll'].gain!;
    expect(g.diff).toBeCloseTo(-0.5, 12);
    expect(g.bootstrap!.lo).toBeCloseTo(-0.5, 12);
    expect(g.bootstrap!.hi).toBeCloseTo(-0.5, 12);
  });
});
