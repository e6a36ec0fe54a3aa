import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunDir } from '../harness/runner/run-dir.ts';
import { cli } from '../test/helpers/cli.ts';
import { aggregate } from './aggregate.ts';
import { exampleData } from './examples.ts';
import { REPORT_FILES, writeReports } from './index.ts';
import { renderSummary } from './summary.ts';
import { syntheticRun, writeRunDir } from './testing/synthetic-run.ts';
import { MINI, miniCopy, tmpDir } from './testing/tmp-run.ts';

const MB = 1024 * 1024;

describe('writeReports', () => {
  it('writes the four report files from the run dir alone', () => {
    const dir = miniCopy();
    writeReports(dir);
    for (const f of REPORT_FILES) expect(statSync(join(dir, f)).size).toBeGreaterThan(100);
  });

  it('rebuilds byte-identical files when run twice', () => {
    const dir = miniCopy();
    writeReports(dir);
    const first = REPORT_FILES.map((f) => readFileSync(join(dir, f)));
    writeReports(dir);
    REPORT_FILES.forEach((f, i) => {
      expect(readFileSync(join(dir, f)).equals(first[i]), f).toBe(true);
    });
  });

  it('summary.md of the mini fixture matches its snapshot', async () => {
    await expect(renderSummary(aggregate(readRunDir(MINI)))).toMatchFileSnapshot(
      '../fixtures/runs/mini.summary.md',
    );
  });

  it('report.html needs no network: no external src/href, a CSP that forbids fetching', () => {
    const dir = miniCopy();
    writeReports(dir);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toMatch(/default-src 'none'/);
    expect(html).toContain('<dd>2025-01-01T00:00:00.000Z');
  });

  it('keeps a 10 techniques × 3 seeds × 600 examples run under 5 MB', () => {
    const run = syntheticRun({
      suite: 'big',
      techniques: ['none', ...'abcdefghi'.split('').map((c) => `technique-${c}`)],
      seeds: [1, 2, 3],
      examples: 300,
    });
    // Realistic lengths (rationales of ~100 characters), longer than the synthetic defaults.
    for (const e of run.examples) {
      e.prompt = `${e.prompt} ${'q'.repeat(40)}`;
      e.reference = `${e.reference} so the answer is ${e.reference}`.slice(0, 110);
      e.response = `${e.response} so the answer is ${e.response}`.slice(0, 110);
      e.teacherResponse = e.reference;
    }
    expect(run.examples).toHaveLength(10 * 3 * 600);
    const dir = join(tmpDir(), 'big');
    writeRunDir(dir, run);
    writeReports(dir);
    const size = statSync(join(dir, 'report.html')).size;
    expect(size).toBeLessThan(5 * MB);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('All 18000 example responses');
  });

  it('caps embedded examples per job and split, and says so', () => {
    const run = syntheticRun({ examples: 30 });
    const ex = exampleData(run.examples, 10);
    expect(ex.cap).toBe(10);
    expect(ex.shown).toBe(3 * 2 * 2 * 10);
    // Every technique keeps the same prompts, so the groups stay complete.
    expect(ex.groups.every((g) => g[7].length === 3)).toBe(true);
    const dir = join(tmpDir(), 'capped');
    writeRunDir(dir, run);
    writeReports(dir, { capPerJobSplit: 10 });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(
      'Showing the first 10 examples of each job and split (120 of 360 responses)',
    );
  });
});

describe('distill-bench report', () => {
  it('rebuilds the reports of a run dir and lists them', () => {
    const dir = miniCopy();
    const r = cli(['report', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(dir, 'report.html'));
  });

  it('exits 2 with a fix when the directory is not a run dir', () => {
    const r = cli(['report', tmpDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a run directory.*Fix:/);
  });
});
