import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserUnavailable, launch } from '../../reports/testing/browser.ts';
import { cli, read, tmp } from '../helpers/cli.ts';

const BASELINE = join(import.meta.dirname, '..', '..', 'fixtures', 'baselines', 'smoke.json');
const TECHNIQUES = ['none', 'hard-label', 'soft-label', 'co-distillation', 'on-policy', 'conversational'];

/**
 * Dogfooding: the project's own CI runs the `smoke` suite, gates it against the committed baseline
 * (fixtures/baselines/smoke.json, saved from a real smoke run with `distill-bench baseline save`) and
 * opens its report in Chromium. A change that degrades any technique on any metric beyond its
 * tolerance, or breaks the report, fails here.
 */
describe('smoke suite: run, gate against the committed baseline, open the report', () => {
  const dir = tmp('db-smoke-');
  const out = join(dir, 'run');

  it('runs, writes reports and passes the gate', () => {
    const run = cli(['run', 'smoke', '--out', out, '--cache-dir', join(dir, 'cache'), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    for (const f of ['report.html', 'summary.md', 'results.csv'])
      expect(read(join(out, f)).length).toBeGreaterThan(100);
    const gate = cli(['gate', out, '--baseline', BASELINE, '--out', join(dir, 'gate')]);
    // Print the verdict so a CI log shows what was compared.
    console.log(
      read(join(dir, 'gate', 'gate.md'))
        .split('\n')
        .slice(0, 3)
        .join('\n'),
    );
    expect(gate.code, `${gate.stdout}\n${gate.stderr}`).toBe(0);
  }, 600_000);

  it.skipIf(browserUnavailable() !== null)(
    'its report.html works in Chromium: one row per technique, charts, no errors',
    async () => {
      const ctx = await launch();
      try {
        const page = await ctx.newPage();
        const problems: string[] = [];
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(pathToFileURL(join(out, 'report.html')).href);
        const rows = await page.$$eval('#leaderboard h3#table-0 + .table-wrap table tbody tr', (trs) =>
          trs.map((r) => r.getAttribute('data-technique')),
        );
        expect([...rows].sort()).toEqual([...TECHNIQUES].sort());
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((s) => s.querySelectorAll('rect, line, polyline, circle').length),
        );
        expect(charts.length).toBeGreaterThan(0);
        for (const n of charts) expect(n).toBeGreaterThan(0);
        const shots = join(import.meta.dirname, '..', '..', 'test-output');
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'smoke-report.png'), fullPage: false });
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    },
    120_000,
  );
});
