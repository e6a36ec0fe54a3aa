/**
 * Leaderboard history across runs: one row per suite + technique with every run's value in time
 * order, rank bands from the latest run's CIs, links to each run's report.html, the trend charts,
 * and hostile technique names kept inert in the page, the CSV and the JSON.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ResultRow, RunDir } from '../harness/runner/run-dir.ts';
import { cli } from '../test/helpers/cli.ts';
import { writeReports } from './index.ts';
import { writeLeaderboard } from './leaderboard.ts';
import { rankBands } from './leaderboard-bands.ts';
import { buildLeaderboard } from './leaderboard-model.ts';
import { renderLeaderboardHtml } from './leaderboard-view.ts';
import { resultRow } from './testing/rows.ts';
import { syntheticRun, writeRunDir } from './testing/synthetic-run.ts';
import { tmpDir } from './testing/tmp-run.ts';

const at = (run: RunDir, startedAt: string): RunDir => ({ ...run, manifest: { ...run.manifest, startedAt } });

/** The same suite run twice: March's run (seeds 1, 2) is given first, February's (3, 4) second. */
const march = at(syntheticRun({ suite: 'nightly', seeds: [1, 2] }), '2025-03-01T00:00:00.000Z');
const february = at(syntheticRun({ suite: 'nightly', seeds: [3, 4] }), '2025-02-01T00:00:00.000Z');

/** Accuracy values of `technique` on task 't', split 'test' (two seeds each), as one run. */
function accuracyRun(values: Record<string, [number, number]>, startedAt = '2025-01-01T00:00:00Z'): RunDir {
  // Job keys name files, so they come from the position, not from a (possibly hostile) name.
  const results: ResultRow[] = Object.entries(values).flatMap(([technique, [a, b]], i) => [
    resultRow(technique, 1, 'accuracy', a, { jobKey: `j${i}-1` }),
    resultRow(technique, 2, 'accuracy', b, { jobKey: `j${i}-2` }),
  ]);
  const base = syntheticRun({ suite: 'hand', techniques: [] });
  return { ...at(base, startedAt), results, jobs: [], examples: [] };
}

describe('leaderboard history', () => {
  it('two runs of one suite: one row per technique, both runs as its history, oldest first', () => {
    const lb = buildLeaderboard([
      { dir: 'runs/mar', run: march },
      { dir: 'runs/feb', run: february },
    ]);
    expect(lb.runs.map((r) => r.run)).toEqual(['runs/feb', 'runs/mar']);
    const test = lb.tables.find((t) => t.split === 'test')!;
    expect(test.entries.map((e) => e.technique).sort()).toEqual(['hard-label', 'none', 'soft-label']);
    for (const e of test.entries) {
      expect(e.history.map((h) => h.run)).toEqual(['runs/feb', 'runs/mar']);
      expect(e.history.map((h) => h.n)).toEqual([2, 2]);
      // The row's numbers are the latest run's.
      expect(e.run).toBe('runs/mar');
      expect(e.mean).toBe(e.history[1].mean);
      const values = (run: RunDir) =>
        run.results
          .filter((r) => r.technique === e.technique && r.split === 'test' && r.metric === 'accuracy')
          .map((r) => r.value);
      const mean = (xs: number[]) => (xs[0] + xs[1]) / 2;
      expect(e.history[0].mean).toBeCloseTo(mean(values(february)), 12);
      expect(e.history[1].mean).toBeCloseTo(mean(values(march)), 12);
    }
  });

  it('rank bands: CIs overlapping the band leader share its band, a disjoint one starts the next', () => {
    // Hand-computed: CI = mean ± t(0.975, 1) · s / √2 = mean ± 12.7062 · |a − b| / 2.
    //   a 0.801 [0.78829, 0.81371]   leader
    //   b 0.791 [0.77829, 0.80371]   overlaps a → 1=
    //   c 0.751 [0.73829, 0.76371]   disjoint from a (0.76371 < 0.78829) → band 4 (three entries before it)
    //   d 0.750 [0.11469, 1]         wide, overlaps a → 1=, although its mean is below c's
    const lb = buildLeaderboard([
      {
        dir: 'r',
        run: accuracyRun({ a: [0.8, 0.802], b: [0.79, 0.792], c: [0.75, 0.752], d: [0.7, 0.8] }),
      },
    ]);
    const t = lb.tables[0];
    expect(t.entries.map((e) => [e.technique, e.rank, e.bandLabel])).toEqual([
      ['a', 1, '1='],
      ['b', 2, '1='],
      ['d', 4, '1='],
      ['c', 3, '4'],
    ]);
    expect(t.entries[0].ciLow).toBeCloseTo(0.78829, 4);
    expect(t.entries[3].ciHigh).toBeCloseTo(0.76371, 4);
  });

  it('rankBands: bands of several members, and a one-seed entry as a point', () => {
    const s = (mean: number, ciLow: number | null, ciHigh: number | null) => ({ mean, ciLow, ciHigh, n: 3 });
    const bands = rankBands([
      s(10, 9, 11),
      s(8.5, 7.9, 9.1),
      s(7, 6.5, 7.5),
      s(6.8, 6, 7.6),
      s(5, null, null),
    ]);
    expect(bands.map((b) => b.label)).toEqual(['1=', '1=', '3=', '3=', '5']);
    expect(rankBands([s(1, null, null), s(1, null, null)]).map((b) => b.label)).toEqual(['1=', '1=']);
  });

  it('teacher and oracle rows are listed after the students, unranked, and never widen a band', () => {
    // The oracle (0.97) and teacher (0.95) beat every student; ranked with them they would take ranks 1-2 and
    // the best student would read "3". Students alone: a 0.801 is rank 1; b 0.501 [0.48829, 0.51371] is disjoint.
    const rows = (technique: string, [x, y]: [number, number], role: ResultRow['role'], i: number) =>
      [x, y].map((v, k) =>
        resultRow(technique, k + 1, 'accuracy', v, { jobKey: `r${i}-${k}`, ...(role ? { role } : {}) }),
      );
    const base = accuracyRun({});
    const run = {
      ...base,
      results: [
        ...rows('oracle', [0.96, 0.98], 'oracle', 0),
        ...rows('teacher', [0.95, 0.95], 'teacher', 1),
        ...rows('a', [0.8, 0.802], undefined, 2),
        ...rows('b', [0.5, 0.502], undefined, 3),
      ],
    };
    const lb = buildLeaderboard([{ dir: 'r', run }]);
    expect(lb.tables[0].entries.map((e) => [e.technique, e.role ?? null, e.rank, e.bandLabel])).toEqual([
      ['a', null, 1, '1'],
      ['b', null, 2, '2'],
      ['oracle', 'oracle', null, 'ref'],
      ['teacher', 'teacher', null, 'ref'],
    ]);
    const html = renderLeaderboardHtml(lb);
    expect(html.match(/class="best"/g)).toHaveLength(1);
    expect(html).toContain(
      'reference row (teacher, oracle or reference model): shown for the ceiling, not ranked',
    );
  });

  it('bands come from the latest run only', () => {
    const early = accuracyRun({ a: [0.8, 0.802], b: [0.5, 0.502] }, '2025-01-01T00:00:00Z');
    const late = accuracyRun({ a: [0.8, 0.802], b: [0.79, 0.792] }, '2025-02-01T00:00:00Z');
    const lb = buildLeaderboard([
      { dir: 'early', run: early },
      { dir: 'late', run: late },
    ]);
    expect(lb.tables[0].entries.map((e) => e.bandLabel)).toEqual(['1=', '1=']);
    const [first, second] = lb.tables[0].entries[1].history.map((h) => h.mean);
    expect(first).toBeCloseTo(0.501, 12);
    expect(second).toBeCloseTo(0.791, 12);
  });
});

describe('leaderboard of score runs', () => {
  it('labels the reference model as such, not as a technique', () => {
    const base = accuracyRun({ a: [0.8, 0.802], b: [0.79, 0.792] });
    const run = {
      ...base,
      manifest: { ...base.manifest, environment: { mode: 'score', referenceModel: 'a' } },
    };
    const lb = buildLeaderboard([{ dir: 'score', run }]);
    // The reference model (0.801) has the better mean but is the yardstick, not a contestant: b is rank 1.
    expect(lb.tables[0].entries.map((e) => [e.technique, e.role ?? null, e.rank])).toEqual([
      ['b', null, 1],
      ['a', 'reference', null],
    ]);
    const html = renderLeaderboardHtml(lb);
    expect(html).toContain('<td class="text" data-v="a (reference model)">a (reference model)</td>');
  });
});

describe('leaderboard site: links, trend charts, hostile names, --json', () => {
  const HOSTILE = '<script>window.__pwned=1</script>';
  const FORMULA = '=HYPERLINK("http://evil.example","x")';

  function site() {
    const root = tmpDir();
    const withReport = join(root, 'r"<b>');
    const bare = join(root, 'bare');
    writeRunDir(withReport, at(syntheticRun({ suite: 'nightly', seeds: [3, 4] }), '2025-02-01T00:00:00Z'));
    writeReports(withReport);
    writeRunDir(bare, march);
    const hostile = join(root, 'hostile');
    writeRunDir(hostile, accuracyRun({ [HOSTILE]: [0.8, 0.81], [FORMULA]: [0.6, 0.61] }));
    const out = join(root, 'site');
    mkdirSync(out);
    const lb = writeLeaderboard([bare, withReport, hostile], out);
    return { root, out, lb, html: readFileSync(join(out, 'index.html'), 'utf8') };
  }

  it('links each run and history point to its report.html, percent-encoded and relative', () => {
    const { out, lb, html } = site();
    const href = '../r%22%3Cb%3E/report.html';
    expect(lb.runs.find((r) => r.run.endsWith('r"<b>'))!.report).toBe(href);
    expect(lb.runs.find((r) => r.run.endsWith('bare'))!.report).toBeUndefined();
    expect(readFileSync(join(out, decodeURIComponent(href)), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<a href="${href}">`);
    expect(html).toContain('r&quot;&lt;b&gt;</a>'); // the run dir's name as text, escaped
    expect(html).not.toContain('r"<b>');
    // The Runs table numbers runs oldest first: hostile (January) #1, February's (with report) #2.
    expect(html).toContain(`<a href="${href}">#2</a>: `);
    expect(html).toMatch(/<span class="point" title="[^"]*bare[^"]*">#3: /);
    expect(html).not.toMatch(/<a href="[^"]*bare/);
  });

  it('draws one trend line per row, through its history', () => {
    const { html } = site();
    const lines = [...html.matchAll(/<g class="trend-line" data-name="([^"]*)" data-points="(\d)"/g)];
    // nightly: 3 tables (test, ood, probes) × 3 techniques, 2 runs each; hostile: 1 table × 2 rows.
    expect(lines.filter((m) => m[2] === '2')).toHaveLength(9);
    expect(lines.filter((m) => m[2] === '1')).toHaveLength(2);
    expect(html.match(/<div class="charts trend">/g)).toHaveLength(4);
  });

  it('keeps hostile technique names inert in index.html and leaderboard.csv', () => {
    const { out, html } = site();
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('data-name="&lt;script&gt;window.__pwned=1&lt;/script&gt;"');
    // Handlebars also escapes '=' (as &#x3D;); the SVG's esc() leaves it, harmless inside quotes.
    expect(html).toContain('<td class="text" data-v="&lt;script&gt;window.__pwned&#x3D;1&lt;/script&gt;">');
    const csv = parse(readFileSync(join(out, 'leaderboard.csv'), 'utf8')) as string[][];
    const technique = csv[0].indexOf('technique');
    const cells = csv.slice(1).map((r) => r[technique]);
    expect(cells).toContain(`'${FORMULA}`);
    expect(cells).not.toContain(FORMULA);
    const band = csv[0].indexOf('band');
    const runs = csv[0].indexOf('runs');
    const suite = csv[0].indexOf('suite');
    for (const r of csv.slice(1)) {
      expect(r[band]).toMatch(/^\d+=?$/);
      expect(r[runs]).toBe(r[suite] === 'nightly' ? '2' : '1');
    }
  });

  it('--json prints the leaderboard with each row’s history', () => {
    const root = tmpDir();
    const a = join(root, 'a');
    const b = join(root, 'b');
    writeRunDir(a, march);
    writeRunDir(b, february);
    writeFileSync(join(a, 'note.txt'), 'not a report');
    const r = cli(['leaderboard', a, b, '--out', join(root, 'site'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lb = JSON.parse(r.stdout);
    expect(lb.runs.map((x: { run: string }) => x.run)).toEqual([b, a]);
    const test = lb.tables.find((t: { split: string }) => t.split === 'test');
    expect(test.entries).toHaveLength(3);
    for (const e of test.entries) {
      expect(e.history.map((h: { run: string }) => h.run)).toEqual([b, a]);
      expect(e.history[0].report).toBeUndefined();
    }
  });
});
