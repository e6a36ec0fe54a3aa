/**
 * The leaderboard site (index.html) over three runs of one suite in Chromium: one row per technique
 * with three history points, the trend charts drawn, history links that open the run's report.html
 * (the run without one is not linked), no console errors. Screenshot: test-output/leaderboard.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from './index.ts';
import { writeLeaderboard } from './leaderboard.ts';
import { browserUnavailable, launch, watchPage } from './testing/browser.ts';
import { syntheticRun, writeRunDir } from './testing/synthetic-run.ts';
import { tmpDir } from './testing/tmp-run.ts';

const skip = browserUnavailable();
const SHOT_DIR = join(import.meta.dirname, '..', 'test-output');

describe.skipIf(skip !== null)('leaderboard index.html in Chromium (3 runs of one suite)', () => {
  let ctx: BrowserContext;
  let page: Page;
  let site = '';
  const problems: string[] = [];

  beforeAll(async () => {
    const root = tmpDir();
    // Given newest first; the run of February has no report.html.
    const dirs = [3, 2, 1].map((month) => {
      const dir = join(root, `run-${month}`);
      const run = syntheticRun({ suite: 'nightly', seeds: [month, month + 10, month + 20] });
      writeRunDir(dir, {
        ...run,
        manifest: { ...run.manifest, startedAt: `2025-0${month}-01T00:00:00.000Z` },
      });
      if (month !== 2) writeReports(dir);
      return dir;
    });
    site = join(root, 'site');
    writeLeaderboard(dirs, site);
    ctx = await launch();
    page = watchPage(await ctx.newPage(), problems);
    await page.goto(pathToFileURL(join(site, 'index.html')).href);
    mkdirSync(SHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('lists the runs oldest first and one row per technique with all three in its history', async () => {
    const runs = await page.$$eval('table.runs tbody tr', (trs) =>
      trs.map((tr) => tr.querySelector('td:nth-child(2)')!.textContent!.split('/').pop()),
    );
    expect(runs).toEqual(['run-1', 'run-2', 'run-3']);
    const tables = await page.$$eval('table.lb:not(.runs)', (ts) =>
      ts.map((t) =>
        [...t.querySelectorAll('tbody tr')].map((tr) => ({
          technique: tr.getAttribute('data-technique'),
          points: [...tr.querySelectorAll('.history .point')].map((p) => p.textContent!.split(':')[0]),
          links: [...tr.querySelectorAll('.history a')].map((a) => a.textContent),
        })),
      ),
    );
    expect(tables).toHaveLength(3); // test, ood, probes
    for (const rows of tables) {
      expect(rows.map((r) => r.technique).sort()).toEqual(['hard-label', 'none', 'soft-label']);
      for (const r of rows) {
        expect(r.points).toEqual(['#1', '#2', '#3']);
        expect(r.links).toEqual(['#1', '#3']);
      }
    }
  });

  it('draws a trend chart per table with one three-point line per row', async () => {
    const charts = await page.$$eval('.charts.trend svg', (svgs) =>
      svgs.map((s) => ({
        lines: [...s.querySelectorAll('g.trend-line polyline')].map(
          (p) => p.getAttribute('points')!.split(' ').length,
        ),
        area: s.getBoundingClientRect().width * s.getBoundingClientRect().height,
      })),
    );
    expect(charts).toHaveLength(3);
    for (const c of charts) {
      expect(c.lines).toEqual([3, 3, 3]);
      expect(c.area).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(SHOT_DIR, 'leaderboard.png'), fullPage: true });
  });

  it('opens a run’s report from its history link, with no console errors on the way', async () => {
    await page.locator('table.lb:not(.runs) tbody tr').first().locator('.history a').last().click();
    await page.waitForLoadState('load');
    expect(page.url()).toBe(pathToFileURL(join(site, '..', 'run-3', 'report.html')).href);
    expect(await page.textContent('h1')).toContain('nightly');
    expect(problems).toEqual([]);
  });
});
