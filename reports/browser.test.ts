/**
 * report.html in a real browser (Debian's Chromium via playwright-core), opened over file://:
 * leaderboard rows, sorting, charts, the example browser's filters and pages, no console errors.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from './index.ts';
import { browserUnavailable, launch, watchPage } from './testing/browser.ts';
import { miniCopy } from './testing/tmp-run.ts';

const skip = browserUnavailable();
const SHOT_DIR = join(import.meta.dirname, '..', 'test-output');

describe.skipIf(skip !== null)('report.html in Chromium (mini fixture)', () => {
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = miniCopy();
    writeReports(dir);
    ctx = await launch();
    page = watchPage(await ctx.newPage(), problems);
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const techniques = (table: string) =>
    page.$$eval(`${table} tbody tr`, (rows) => rows.map((r) => r.getAttribute('data-technique')));
  const column = (table: string, col: number) =>
    page.$$eval(
      `${table} tbody tr`,
      (rows, c) => rows.map((r) => (r as HTMLTableRowElement).cells[c].getAttribute('data-v')),
      col,
    );

  it('has one leaderboard row per technique', async () => {
    const tables = await page.$$('table.lb');
    expect(tables.length).toBe(3); // test, ood, probes
    for (const t of ['#table-0', '#table-1', '#table-2']) {
      expect(await techniques(`#leaderboard h3${t} + .table-wrap table`)).toEqual([
        'none',
        'hard-label',
        'soft-label',
      ]);
    }
  });

  it('sorts a column when its header is clicked, and reverses on a second click', async () => {
    const table = '#leaderboard h3#table-0 + .table-wrap table';
    // wer is not table-0's primary metric, so the metric picker hides it until it is ticked.
    await page.check('#leaderboard h3#table-0 + .table-wrap .picker input[data-metric="wer"]');
    const header = page.locator(`${table} thead th`).nth(3); // wer ↓
    expect(await header.textContent()).toContain('wer');
    await header.click();
    const asc = (await column(table, 3)).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await header.click();
    const desc = (await column(table, 3)).map(Number);
    expect(desc).toEqual([...asc].reverse());
    await page.locator(`${table} thead th`).nth(0).click(); // by name
    expect(await techniques(table)).toEqual(['hard-label', 'none', 'soft-label']);
  });

  it('draws every chart section with non-empty SVG', async () => {
    for (const id of ['chart-bars', 'chart-frontier', 'chart-curves', 'chart-conflict', 'chart-leakage']) {
      const n = await page.$$eval(
        `h3#${id} + p + .charts svg.chart, h3#${id} + .charts svg.chart`,
        (svgs) => svgs.length,
      );
      expect(n, id).toBeGreaterThan(0);
    }
    const sizes = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((s) => ({
        kids: s.querySelectorAll('rect, line, polyline, circle').length,
        w: s.getBoundingClientRect().width,
        h: s.getBoundingClientRect().height,
      })),
    );
    expect(sizes.length).toBeGreaterThanOrEqual(10);
    for (const s of sizes) {
      expect(s.kids).toBeGreaterThan(0);
      expect(s.w * s.h).toBeGreaterThan(0);
    }
  });

  it('paginates the examples', async () => {
    expect(await page.textContent('#ex-count')).toBe('48 of 48 prompts');
    expect(await page.textContent('#ex-page')).toBe('page 1 of 3');
    expect(await page.locator('#ex-list .ex').count()).toBe(20);
    expect(await page.isDisabled('#ex-prev')).toBe(true);
    const firstIds = await page.$$eval('#ex-list .ex', (els) => els.map((e) => e.getAttribute('data-id')));
    await page.click('#ex-next');
    await page.click('#ex-next');
    expect(await page.textContent('#ex-page')).toBe('page 3 of 3');
    expect(await page.locator('#ex-list .ex').count()).toBe(8);
    expect(await page.isDisabled('#ex-next')).toBe(true);
    await page.click('#ex-prev');
    const secondPage = await page.$$eval('#ex-list .ex', (els) => els.map((e) => e.getAttribute('data-id')));
    expect(secondPage).toHaveLength(20);
    expect(secondPage).not.toEqual(firstIds);
    await page.click('#ex-prev');
    expect(await page.$$eval('#ex-list .ex', (els) => els.map((e) => e.getAttribute('data-id')))).toEqual(
      firstIds,
    );
  });

  it('filters the examples by technique and by correct / incorrect', async () => {
    const labels = () =>
      page.$$eval('#ex-list tr.response', (rows) => rows.map((r) => r.getAttribute('data-label')));
    const outcomes = () =>
      page.$$eval('#ex-list tr.response', (rows) => rows.map((r) => r.getAttribute('data-correct')));
    expect(new Set(await labels())).toEqual(new Set(['0', '1', '2']));
    await page.selectOption('#ex-technique', { label: 'soft-label' });
    expect(new Set(await labels())).toEqual(new Set(['2']));
    expect(await page.textContent('#ex-page')).toBe('page 1 of 3');
    await page.selectOption('#ex-outcome', 'incorrect');
    const wrong = await outcomes();
    expect(wrong.length).toBeGreaterThan(0);
    expect(new Set(wrong)).toEqual(new Set(['0']));
    // A wrong answer is shown against the gold with alignment marks.
    expect(await page.locator('#ex-list .al-s, #ex-list .al-i, #ex-list .al-d').count()).toBeGreaterThan(0);
    await page.selectOption('#ex-outcome', 'correct');
    expect(new Set(await outcomes())).toEqual(new Set(['1']));
    await page.selectOption('#ex-technique', { label: 'all' });
    await page.selectOption('#ex-outcome', 'all');
    await page.fill('#ex-search', 'mat slept');
    const hits = await page.$$eval('#ex-list .ex', (els) => els.map((e) => e.textContent ?? ''));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((t) => t.includes('mat slept'))).toBe(true);
    await page.fill('#ex-search', '');
  });

  it('opens the manifest section on demand', async () => {
    expect(await page.isVisible('details.manifest pre')).toBe(false);
    await page.click('details.manifest summary');
    expect(await page.textContent('details.manifest pre')).toContain('"name": "fixture-mini"');
  });

  it('logs no console errors and makes no network request', async () => {
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  });
});
