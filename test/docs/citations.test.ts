import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorsOf, badCitations, checkCitation, citationsIn, slug } from './citations.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FOLDERS = ['harness', 'metrics', 'reports', 'bench', 'test', 'bin'];

/**
 * Citations another branch resolves when it merges: docs/weak-to-strong.md lands with branch M2, and
 * harness/tasks/phonetic-transcription.test.ts is being edited on branch K-phon. Remove an entry when
 * its branch has merged.
 */
const PENDING: { file?: string; target: string }[] = [];
const pending = (c: { file: string; target: string }) =>
  PENDING.some((p) => p.target === c.target && (p.file === undefined || p.file === c.file));

describe('comments cite documents that exist in the repository', () => {
  it('every cited *.md file and #anchor exists, and nothing cites design.md or shared/', () => {
    // This test and its checker hold example citations on purpose.
    const bad = badCitations(ROOT, FOLDERS).filter((c) => !pending(c) && !c.file.startsWith('test/docs/'));
    expect(
      bad.map((c) => `${c.file}:${c.line}: ${c.target}${c.anchor ? `#${c.anchor}` : ''}: ${c.why}`),
    ).toEqual([]);
  });
});

describe('the citation checker', () => {
  it("slugs headings by GitHub's rule", () => {
    // Hand-derived from GitHub's anchors: lowercase, punctuation dropped, spaces to '-'.
    expect(slug('Adding a metric')).toBe('adding-a-metric');
    expect(slug('Paired differences against `none`')).toBe('paired-differences-against-none');
    expect(slug('purify:aggregation')).toBe('purifyaggregation');
    expect(slug('Holm’s correction')).toBe('holms-correction');
    expect(slug('gold-nll (teacher-forced)')).toBe('gold-nll-teacher-forced');
  });

  it('numbers repeated headings and ignores headings inside code fences', () => {
    const a = anchorsOf('# Top\n## Notes\n```yaml\n# not a heading\n```\n## Notes\n');
    expect([...a]).toEqual(['top', 'notes', 'notes-1']);
  });

  it('finds citations in comments only, with anchors and quoted headings, skipping run-dir outputs', () => {
    const src = [
      "const s = 'docs/in-a-string.md';",
      '// see docs/a.md#some-part and BENCHMARKS.md',
      ' * docs/b.md ("Adding a metric") walks through one; writes summary.md and gate.md',
      '// https://example.com/README.md is a URL',
    ].join('\n');
    expect(citationsIn('x.ts', src)).toEqual([
      { file: 'x.ts', line: 2, target: 'docs/a.md', anchor: 'some-part', heading: undefined },
      { file: 'x.ts', line: 2, target: 'BENCHMARKS.md', anchor: undefined, heading: undefined },
      { file: 'x.ts', line: 3, target: 'docs/b.md', anchor: undefined, heading: 'Adding a metric' },
    ]);
  });

  it('refuses missing files, missing anchors and design.md or shared/ citations', () => {
    const root = mkdtempSync(join(tmpdir(), 'citations-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'm.md'), '# M\n## Adding a metric\n');
    const c = (target: string, anchor?: string, heading?: string) =>
      checkCitation(root, { file: 'src/x.ts', line: 1, target, anchor, heading });
    expect(c('docs/m.md')).toBeUndefined();
    expect(c('docs/m.md', 'adding-a-metric')).toBeUndefined();
    expect(c('docs/m.md', undefined, 'Adding a metric')).toBeUndefined();
    expect(c('docs/m.md', 'adding-a-technique')).toMatch(/no heading #adding-a-technique/);
    expect(c('docs/m.md', undefined, 'Adding a task')).toMatch(/no heading #adding-a-task/);
    expect(c('docs/missing.md')).toMatch(/not a file in the repository/);
    expect(c('data.md')).toMatch(/not a file/);
    writeFileSync(join(root, 'design.md'), '# D\n');
    expect(c('design.md')).toMatch(/outside the repository/);
    expect(c('shared/specs/rse_ice.md')).toMatch(/outside the repository/);
  });
});
