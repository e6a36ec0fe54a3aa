/**
 * report.html at `default` size (6 techniques × 3 seeds, test and ood splits) in Chromium with a
 * narrow window: the technique column stays visible when a wide table scrolls right, the forest plot
 * comes first with one row per technique other than `none`, no chart axis goes below a metric's
 * minimum (0 for every registered metric), no console errors. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from './index.ts';
import { browserUnavailable, launch } from './testing/browser.ts';
import { syntheticDir } from './testing/tmp-run.ts';

const skip = browserUnavailable();
const SHOT_DIR = join(import.meta.dirname, '..', 'test-output');
const TECHNIQUES = ['none', 'hard-label', 'soft-label', 'co-distillation', 'on-policy', 'conversational'];

describe.skipIf(skip !== null)('report.html in Chromium (default-sized fixture)', () => {
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const dir = syntheticDir({ techniques: TECHNIQUES, seeds: [1, 2, 3], examples: 6 });
    writeReports(dir);
    ctx = await launch();
    page = await ctx.newPage();
    await page.setViewportSize({ width: 700, height: 900 });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    mkdirSync(SHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('keeps the technique column in view after scrolling a wide table right', async () => {
    const wrap = page.locator('#leaderboard .table-wrap').first();
    const scrolled = await wrap.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
      return { left: el.scrollLeft, overflow: el.scrollWidth - el.clientWidth };
    });
    expect(scrolled.overflow).toBeGreaterThan(0); // the table really is wider than its box
    expect(scrolled.left).toBeGreaterThan(0);
    const box = (await wrap.boundingBox())!;
    const first = (await wrap.locator('tbody tr:first-child td:first-child').boundingBox())!;
    // Sticky: the first cell still starts at the box's left edge, not scrolled out to the left.
    expect(Math.abs(first.x - box.x)).toBeLessThan(2);
    expect(await wrap.locator('tbody tr:first-child td:first-child').innerText()).toContain('none');
    await page.screenshot({ path: join(SHOT_DIR, 'default-leaderboard-scrolled.png') });
  });

  it('metric picker: only the primary metric by default; ticking another shows its column', async () => {
    const wrap = '#leaderboard .table-wrap >> nth=0';
    const visible = () =>
      page
        .locator(wrap)
        .evaluate((el) =>
          [...el.querySelectorAll('thead th[data-metric]')]
            .filter((th) => (th as HTMLElement).offsetParent !== null)
            .map((th) => th.getAttribute('data-metric')),
        );
    const primary = await page
      .locator(wrap)
      .evaluate((el) =>
        [...el.querySelectorAll('thead th[data-primary]')].map((th) => th.getAttribute('data-metric')),
      );
    expect(primary).toHaveLength(1);
    expect(await visible()).toEqual(primary);
    const other = await page
      .locator(wrap)
      .evaluate(
        (el) => el.querySelector('thead th[data-metric]:not([data-primary])')!.getAttribute('data-metric')!,
      );
    await page.locator(wrap).locator(`.picker input[data-metric="${other}"]`).check();
    expect((await visible()).sort()).toEqual([...primary, other].sort());
    await page.locator(wrap).locator(`.picker input[data-metric="${other}"]`).uncheck();
    expect(await visible()).toEqual(primary);
  });

  it('shows the forest plot first, one row per technique other than none, per table', async () => {
    const sections = await page.$$eval('#charts h3', (hs) => hs.map((h) => h.id));
    expect(sections[0]).toBe('chart-forest');
    const rowsPerChart = await page.$$eval('#chart-forest ~ .charts', (divs) =>
      [...divs[0].querySelectorAll('svg')].map((s) =>
        [...s.querySelectorAll('g.forest-row')].map((g) => g.getAttribute('data-name')),
      ),
    );
    const tables = await page.$$eval('table.lb', (ts) => ts.length);
    expect(rowsPerChart).toHaveLength(tables);
    for (const rows of rowsPerChart) expect([...rows].sort()).toEqual(TECHNIQUES.slice(1).sort());
    await page.locator('#chart-forest').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOT_DIR, 'default-charts.png') });
  });

  it('has no chart axis tick below 0 (every registered metric is non-negative)', async () => {
    const ticks = await page.$$eval('#chart-bars ~ .charts svg text.tick[dominant-baseline="middle"]', (ts) =>
      ts.map((t) => t.textContent ?? ''),
    );
    const numbers = ticks.map(Number).filter((n) => Number.isFinite(n));
    expect(numbers.length).toBeGreaterThan(10);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
  });

  it('describes every metric the tables show, once', async () => {
    const documented = await page.$$eval('#metric-docs dt code', (cs) => cs.map((c) => c.textContent));
    const shown = await page.$$eval('thead th[data-metric]', (ths) => [
      ...new Set(ths.map((th) => th.getAttribute('data-metric'))),
    ]);
    expect(documented).toEqual([...shown].sort());
    const dd = await page.$$eval('#metric-docs dd', (ds) => ds.map((d) => d.textContent ?? ''));
    for (const d of dd) expect(d).toMatch(/^[↑↓] (higher|lower) is better: \S/);
  });

  it('has a table of contents whose links all resolve, and no console errors', async () => {
    const targets = await page.$$eval('nav.toc a', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
    expect(targets.length).toBeGreaterThan(4);
    for (const id of targets) expect(await page.$(`[id="${id}"]`), id).not.toBeNull();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOT_DIR, 'default-top.png') });
    expect(problems).toEqual([]);
  });
});
