/**
 * report.html of a score run (`distill-bench score` on fixtures/responses/example.jsonl, reference
 * model heron-orca) in Chromium: a model column instead of technique, the reference model marked and
 * never starred, per-prompt bootstrap CIs, no training or cost sections, no console errors.
 * Screenshots go to test-output/ (score-top.png, score-leaderboard.png, score-charts.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScore } from '../harness/score/score.ts';
import { browserUnavailable, launch, watchPage } from './testing/browser.ts';
import { tmpDir } from './testing/tmp-run.ts';

const skip = browserUnavailable();
const SHOT_DIR = join(import.meta.dirname, '..', 'test-output');
const FIX = join(import.meta.dirname, '..', 'fixtures', 'responses');
const FACTS = '#leaderboard table.lb[data-task="facts"][data-split="test"]';

describe.skipIf(skip !== null)('score-mode report.html in Chromium', () => {
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const out = join(tmpDir(), 'score');
    await runScore({
      responses: join(FIX, 'example.jsonl'),
      referenceModel: 'heron-orca',
      cards: join(FIX, 'cards.yaml'),
      out,
      report: true,
      log: () => {},
    });
    ctx = await launch();
    page = watchPage(await ctx.newPage(), problems);
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    mkdirSync(SHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('names the first column "model" in every table, never "technique"', async () => {
    const firsts = await page.$$eval('#leaderboard table.lb thead th:first-child', (ths) =>
      ths.map((th) => th.textContent),
    );
    // facts, howto, identity (probes), macro test, macro probes.
    expect(firsts).toEqual(['model', 'model', 'model', 'model', 'model']);
    expect(
      await page.$$eval('#leaderboard thead th', (ths) => ths.map((th) => th.textContent)),
    ).not.toContain('technique');
    expect(await page.textContent('label[for="ex-technique"]')).toBe('model');
  });

  it('marks the reference model and never stars it, in the tables and the bar charts', async () => {
    const rows = await page.$$eval(`${FACTS} tbody tr`, (trs) =>
      trs.map((tr) => ({
        model: tr.getAttribute('data-technique'),
        role: tr.getAttribute('data-role'),
        first: (tr as HTMLTableRowElement).cells[0].textContent,
        best: tr.querySelectorAll('td.best').length,
      })),
    );
    expect(rows.map((r) => r.model)).toEqual(['basalt-lynx', 'heron-orca', 'tide-wren']);
    expect(rows[1]).toEqual({
      model: 'heron-orca',
      role: 'reference',
      first: 'heron-orcareference model',
      best: 0,
    });
    expect(rows.filter((r) => r.role !== null)).toHaveLength(1);
    // accuracy on facts: basalt-lynx 4/4 and heron-orca 4/4, but only basalt-lynx is best.
    expect(await page.$$eval('#leaderboard tr[data-role="reference"] td.best', (tds) => tds.length)).toBe(0);
    expect(await page.textContent(`${FACTS} tr[data-technique="basalt-lynx"] td.best .main`)).toBe(
      '1.000 ± 0.000',
    );
    const stars = await page.$$eval('#chart-bars ~ .charts svg', (svgs) =>
      svgs
        .filter((s) => s.getAttribute('aria-label') === 'facts · test: accuracy (↑ higher is better)')
        .map((s) => [...s.querySelectorAll('g.bar.best title')].map((t) => t.textContent)),
    );
    expect(stars).toEqual([['basalt-lynx: 1.000 [1.000, 1.000] — best']]);
    expect(await page.textContent('#score-note')).toContain('heron-orca');
  });

  it('shows 95% CIs bootstrapped over prompts', async () => {
    // tide-wren answers f4 only ("144"): 1 of 4. Resampling 4 prompts: P(mean 0) = (3/4)^4 = 0.32 >
    // 2.5%, P(mean >= 0.75) = 13/256 = 5.1% > 2.5% but P(mean = 1) = 1/256 < 2.5%: CI [0, 0.75].
    const cell = page.locator(`${FACTS} tr[data-technique="tide-wren"] td`).nth(1);
    expect(await cell.locator('.main').textContent()).toBe('0.250 [0.000, 0.750]');
    expect(await cell.locator('.sub').textContent()).toBe('4 prompts');
    expect(await cell.getAttribute('title')).toContain(
      'stratified percentile bootstrap over prompts, 4 prompts in 1 dataset(s)',
    );
    // WER is corpus-level (summed errors over summed words): no per-prompt values, so no CI.
    const col = await page.$$eval(`${FACTS} thead th`, (ths) =>
      ths.findIndex((th) => th.getAttribute('data-metric') === 'wer'),
    );
    const wer = page.locator(`${FACTS} tr[data-technique="tide-wren"] td`).nth(col);
    expect(await wer.locator('.main').textContent()).toBe('1.200');
    expect(await wer.locator('.sub').textContent()).toBe('no CI');
  });

  it('has no training or cost sections: no cost columns, gains, forest plot, frontiers, curves', async () => {
    expect(await page.$$eval('#leaderboard th.cost', (ths) => ths.length)).toBe(0);
    const sections = await page.$$eval('#charts h3', (hs) => hs.map((h) => h.id));
    expect(sections).toEqual(['chart-bars', 'chart-leakage']);
    const text = await page.$$eval('#header, #leaderboard, #charts', (els) =>
      els.map((e) => e.textContent).join(' '),
    );
    for (const word of ['gain over', 'wall time', 'optimizer steps', 'Training curves', 'seeds'])
      expect(text, word).not.toContain(word);
    expect(await page.$('#few-seeds')).toBeNull();
    await page.screenshot({ path: join(SHOT_DIR, 'score-top.png') });
    await page.locator('#leaderboard').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOT_DIR, 'score-leaderboard.png') });
    await page.locator('#charts').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOT_DIR, 'score-charts.png') });
  });

  it('logs no console errors', () => {
    expect(problems).toEqual([]);
  });
});
