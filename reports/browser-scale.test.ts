/**
 * report.html of a run the size of suites/default.yaml (reports/testing/default-run.ts: 2 tasks,
 * 8 techniques, 5 seeds, teacher and oracle rows, every metric column a default run writes) in
 * Chromium with a narrow window: the technique column stays visible when a wide table scrolls right,
 * the metric picker shows and hides columns, the forest plot has one row per technique other than
 * `none` for each task × split, no chart axis goes below a metric's minimum (0 for every registered
 * metric; accuracy also not above 1), no console errors. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from './index.ts';
import { browserUnavailable, launch, watchPage } from './testing/browser.ts';
import { DEFAULT_TASKS, DEFAULT_TECHNIQUES, defaultSizedRun } from './testing/default-run.ts';
import { writeRunDir } from './testing/synthetic-run.ts';
import { tmpDir } from './testing/tmp-run.ts';

const skip = browserUnavailable();
const SHOT_DIR = join(import.meta.dirname, '..', 'test-output');

describe.skipIf(skip !== null)('report.html in Chromium (default-sized fixture)', () => {
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const dir = join(tmpDir(), 'default-sized');
    writeRunDir(dir, defaultSizedRun());
    writeReports(dir);
    ctx = await launch();
    page = watchPage(await ctx.newPage(), problems);
    await page.setViewportSize({ width: 700, height: 900 });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    mkdirSync(SHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('lists every technique and both reference rows in each of the 4 task × split tables', async () => {
    const headings = await page.$$eval('#leaderboard h3', (hs) => hs.map((h) => h.textContent ?? ''));
    expect(headings).toHaveLength(4);
    for (const task of DEFAULT_TASKS) expect(headings.filter((h) => h.includes(task))).toHaveLength(2);
    const rows = await page.$$eval('#leaderboard table.lb', (ts) =>
      ts.map((t) => [...t.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-technique'))),
    );
    for (const r of rows) expect([...r].sort()).toEqual([...DEFAULT_TECHNIQUES, 'oracle', 'teacher'].sort());
  });

  it('keeps the technique column in view after scrolling a wide table right', async () => {
    const wrap = page.locator('#leaderboard .table-wrap').first();
    await wrap.locator('.picker input:not(:checked)').first().check(); // one more column: wider still
    const scrolled = await wrap.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
      return { left: el.scrollLeft, overflow: el.scrollWidth - el.clientWidth };
    });
    expect(scrolled.overflow).toBeGreaterThan(0); // the table really is wider than its box
    expect(scrolled.left).toBeGreaterThan(0);
    const box = (await wrap.boundingBox())!;
    const cell = wrap.locator('tbody tr:first-child td:first-child');
    const first = (await cell.boundingBox())!;
    // Sticky: the first cell still starts at the box's left edge, not scrolled out to the left.
    expect(Math.abs(first.x - box.x)).toBeLessThan(2);
    expect(first.width).toBeGreaterThan(20);
    const technique = await wrap.locator('tbody tr:first-child').getAttribute('data-technique');
    expect(await cell.textContent()).toContain(technique);
    await wrap.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOT_DIR, 'default-leaderboard-scrolled.png') });
    await wrap
      .locator('.picker input:checked:not([data-metric="accuracy"]):not([data-metric="gold-nll"])')
      .uncheck();
  });

  it('metric picker: gold-nll with accuracy (arithmetic) or WER (phonetic) at first; ticking shows a column', async () => {
    const visible = (n: number) =>
      page
        .locator('#leaderboard .table-wrap')
        .nth(n)
        .evaluate((el) =>
          [...el.querySelectorAll('thead th[data-metric]')]
            .filter((th) => (th as HTMLElement).offsetParent !== null)
            .map((th) => th.getAttribute('data-metric')),
        );
    // Tables in task order, test before ood: arithmetic test, arithmetic ood, phonetic test, phonetic ood.
    expect(await visible(0)).toEqual(['accuracy', 'gold-nll']);
    expect(await visible(3)).toEqual(['gold-nll', 'wer']); // registry order
    const all = await page
      .locator('#leaderboard .table-wrap')
      .first()
      .evaluate((el) =>
        [...el.querySelectorAll('thead th[data-metric]')].map((th) => th.getAttribute('data-metric')),
      );
    expect(all).toHaveLength(14); // accuracy, gold-nll, 6 rse, 2 cka, conflict-supervision, 3 diversity
    // All 14 boxes within the 700 px window: the picker wraps rather than running off the right.
    const overflow = await page
      .locator('#leaderboard .table-wrap')
      .first()
      .evaluate((el) => {
        const right = el.getBoundingClientRect().right;
        return [...el.querySelectorAll('.picker input')].filter(
          (i) => i.getBoundingClientRect().right > right,
        ).length;
      });
    expect(overflow).toBe(0);
    const cka = page.locator('#leaderboard .table-wrap').first().locator('.picker input[data-metric="cka"]');
    await cka.check();
    expect(await visible(0)).toEqual(['accuracy', 'gold-nll', 'cka']);
    await cka.uncheck();
    expect(await visible(0)).toEqual(['accuracy', 'gold-nll']);
  });

  it('shows the forest plot first: per task × split one row per technique other than none', async () => {
    const sections = await page.$$eval('#charts h3', (hs) => hs.map((h) => h.id));
    expect(sections[0]).toBe('chart-forest');
    const charts = await page.$$eval('#chart-forest ~ .charts', (divs) =>
      [...divs[0].querySelectorAll('svg')].map((s) => ({
        label: s.getAttribute('aria-label') ?? '',
        rows: [...s.querySelectorAll('g.forest-row')].map((g) => g.getAttribute('data-name')),
      })),
    );
    expect(charts).toHaveLength(4);
    for (const task of DEFAULT_TASKS) expect(charts.filter((c) => c.label.startsWith(task))).toHaveLength(2);
    // Named by technique alone: the teacher row's own student id does not make the table multi-student.
    for (const c of charts) expect([...c.rows].sort()).toEqual(DEFAULT_TECHNIQUES.slice(1).sort());
    await page.locator('#chart-forest').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOT_DIR, 'default-charts.png') });
  });

  it('has no metric chart axis below 0, and no accuracy axis above 1', async () => {
    const axes = await page.$$eval('#chart-bars ~ .charts svg, #chart-frontier ~ .charts svg', (svgs) =>
      svgs.map((s) => ({
        label: s.getAttribute('aria-label') ?? '',
        ticks: [...s.querySelectorAll('text.tick[dominant-baseline="middle"]')].map((t) =>
          Number(t.textContent),
        ),
      })),
    );
    const accuracy = axes.filter((a) => /: accuracy( |$)/.test(a.label));
    expect(accuracy.length).toBeGreaterThanOrEqual(2); // test and ood bars, plus the frontiers'
    for (const a of axes) {
      const ticks = a.ticks.filter((n) => Number.isFinite(n));
      if (ticks.length === 0) continue;
      expect(Math.min(...ticks), a.label).toBeGreaterThanOrEqual(0);
    }
    for (const a of accuracy) expect(Math.max(...a.ticks), a.label).toBeLessThanOrEqual(1);
    expect(axes.filter((a) => a.ticks.length > 0).length).toBeGreaterThan(40);
  });

  it('charts each technique’s loss terms with seed bands, the LR and the gradient norm', async () => {
    const charts = await page.$$eval(
      '#chart-terms + .charts svg, #chart-terms + .note + .charts svg',
      (svgs) =>
        svgs.map((s) => ({
          label: s.getAttribute('aria-label') ?? '',
          panels: [...s.querySelectorAll('g.panel')].map((g) => g.getAttribute('data-panel')),
          bands: s.querySelectorAll('polygon.band').length,
        })),
    );
    // One chart per task × technique (8 techniques and the oracle, 2 tasks).
    expect(charts).toHaveLength(18);
    const soft = charts.find(
      (c) => c.label === 'Training detail · arithmetic-rationales · nano · soft-label',
    )!;
    expect(soft.panels).toEqual([
      'loss: total',
      'loss: ce',
      'loss: kd',
      'learning rate',
      'gradient norm (pre-clip)',
    ]);
    // Five seeds that differ: every panel but the learning rate (one schedule) has a band.
    expect(soft.bands).toBe(4);
    const none = charts.find((c) => c.label === 'Training detail · arithmetic-rationales · nano · none')!;
    expect(none.panels).toEqual(['loss: total', 'loss: ce', 'learning rate', 'gradient norm (pre-clip)']);
  });

  it('example filters: A right and B wrong, and teacher right with a student wrong, narrow the list', async () => {
    const run = defaultSizedRun();
    const key = (r: { task: string; split: string; seed: number; id: string }) =>
      `${r.task}|${r.split}|${r.seed}|${r.id}`;
    const ok = (technique: string) =>
      new Map(run.examples.filter((r) => r.technique === technique).map((r) => [key(r), r.correct]));
    const soft = ok('soft-label');
    const none = ok('none');
    // Counted from the fixture's rows: same prompt, seed and split; soft-label ✓ and none ✗.
    const expected = [...soft].filter(([k, v]) => v === true && none.get(k) === false).length;
    expect(expected).toBeGreaterThan(0);
    const count = () => page.locator('#ex-count').textContent();
    const total = Number((await count())!.split(' of ')[1].split(' ')[0]);
    expect(expected).toBeLessThan(total);
    const labels = await page.$$eval('#ex-a option', (os) => os.map((o) => o.textContent));
    // Labels are "technique / student": the teacher reference rows have their own student.
    const at = (t: string) => String(labels.findIndex((l) => l?.startsWith(`${t} /`)) - 1);
    expect(at('soft-label')).not.toBe('-2');
    await page.selectOption('#ex-a', at('soft-label'));
    await page.selectOption('#ex-b', at('none'));
    expect(await count()).toBe(`${expected} of ${total} prompts`);
    const shown = await page.$$eval('#ex-list .ex', (cards) =>
      cards.map((c) =>
        [...c.querySelectorAll('tr.response')].map((r) => r.getAttribute('data-correct')).join(),
      ),
    );
    expect(shown.length).toBeGreaterThan(0);
    for (const s of shown) expect(s).toBe('1,0');
    await page.selectOption('#ex-a', '-1');
    await page.selectOption('#ex-b', '-1');
    expect(await count()).toBe(`${total} of ${total} prompts`);
    // Teacher right, student wrong: the teacher's seed-1 row marks every seed's prompt.
    const teacher = new Map(
      run.examples
        .filter((r) => r.technique === 'teacher')
        .map((r) => [`${r.task}|${r.split}|${r.id}`, r.correct]),
    );
    const students = run.examples.filter((r) => r.technique !== 'teacher' && r.correct === false);
    const wrongUnderRightTeacher = new Set(
      students.filter((r) => teacher.get(`${r.task}|${r.split}|${r.id}`) === true).map(key),
    ).size;
    await page.selectOption('#ex-outcome', 'teacher-right');
    expect(await count()).toBe(`${wrongUnderRightTeacher} of ${total} prompts`);
    await page.selectOption('#ex-outcome', 'all');
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

describe.skipIf(skip !== null)('report.html in Chromium: character diff for a CER task', () => {
  it('aligns a task scored by cer (no wer rows) by character, with the same span classes', async () => {
    // The default-sized run's phonetic task alone, with its wer rows dropped: cer is left.
    const full = defaultSizedRun();
    const keep = <T extends { task: string }>(rs: T[]) =>
      rs.filter((r) => r.task === 'phonetic-transcription');
    const run = {
      ...full,
      results: keep(full.results).filter((r) => r.metric !== 'wer'),
      jobs: keep(full.jobs),
      examples: keep(full.examples),
    };
    const dir = join(tmpDir(), 'cer-task');
    writeRunDir(dir, run);
    writeReports(dir);
    const ctx = await launch();
    try {
      const problems: string[] = [];
      const page = watchPage(await ctx.newPage(), problems);
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      // Fixture responses: gold "W ER D 0", wrong answer "W AH D 0": by character E→A, R→H.
      const wrong = page.locator('#ex-list tr.response[data-correct="0"] td .mt').first();
      expect(await wrong.getAttribute('class')).toBe('mt al-char');
      const subs = await wrong.locator('.al-s').allTextContents();
      expect(subs).toEqual(['A', 'H']);
      expect(await wrong.textContent()).toMatch(/^W AH D \d$/);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
