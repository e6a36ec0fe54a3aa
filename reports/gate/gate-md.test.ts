import { describe, expect, it } from 'vitest';
import { gateSides } from './gate.ts';
import { renderJunit } from './render-junit.ts';
import { renderMarkdown } from './render-markdown.ts';
import { registryOptions, series, side } from './testing.ts';

// Same numbers as gate.test.ts: paired d = +0.01 −0.01 0 → CI [−0.0248, +0.0248] contains −0.02 →
// inconclusive with accuracy's 0.02 tolerance; identical values → d = 0, CI [0, 0] → pass.
const BASE = [0.8, 0.82, 0.84];
const NOISY = [0.81, 0.81, 0.84];

/** A `default`-sized gate: 2 tasks × 11 technique/student rows × 3 splits = 66 comparisons, 48 inconclusive. */
function defaultSized(technique = (i: number) => `technique-${i}`) {
  const cand = [];
  const base = [];
  let k = 0;
  for (const task of ['arithmetic-rationales', 'phonetic-transcription'])
    for (let i = 0; i < 11; i++)
      for (const split of ['test', 'ood', 'valid']) {
        const key = { task, technique: technique(i), split };
        cand.push(series(k++ < 48 ? NOISY : BASE, key));
        base.push(series(BASE, key));
      }
  return gateSides(side(cand), side(base), registryOptions);
}

describe('gate.md for a PR comment', () => {
  it('verdict and counts first, inconclusive table before the folded passes, under 20 KB', () => {
    const r = defaultSized();
    expect(r.counts).toMatchObject({ inconclusive: 48, pass: 18, regression: 0 });
    const md = renderMarkdown(r);
    const lines = md.split('\n');
    expect(lines[0]).toBe('❔ inconclusive: 48 of 66 comparisons undecided, no regressions');
    expect(lines[2]).toBe('**66 comparisons**: 48 inconclusive · 18 pass');
    expect(md).toContain('### Inconclusive (48)');
    expect(md).not.toContain('### Regressions');
    const details = md.indexOf('<details><summary>Passed (18) and improved (0)</summary>');
    expect(details).toBeGreaterThan(md.indexOf('### Inconclusive (48)'));
    // Every pass row sits inside the <details> block.
    const passRows = lines.filter((l) => l.startsWith('| ✅ pass'));
    expect(passRows).toHaveLength(18);
    expect(md.indexOf(passRows[0])).toBeGreaterThan(details);
    expect(Buffer.byteLength(md)).toBeLessThan(20_000);
  });

  it('D14: cells are markdown-escaped, so a name cannot put live images, links or HTML into the summary', () => {
    const evil = '![x](https://evil.example/p.png) [click](https://evil.example) <img src=x> a|b';
    const md = renderMarkdown(defaultSized((i) => (i === 0 ? evil : `t${i}`)));
    expect(md).not.toContain('![x](');
    expect(md).not.toContain('[click](');
    expect(md).not.toContain('<img');
    expect(md).toContain(
      '!\\[x\\](https&#58;//evil.example/p.png) \\[click\\](https&#58;//evil.example) &lt;img src=x&gt; a\\|b',
    );
  });

  it('JUnit marks inconclusive comparisons <skipped message="inconclusive ...">, not passed', () => {
    const xml = renderJunit(defaultSized());
    expect(xml.match(/<skipped message="inconclusive: /g)).toHaveLength(48);
    expect(xml).toMatch(
      /<testsuite name="distill-bench gate" tests="66" failures="0" errors="0" skipped="48"/,
    );
    expect(xml).toMatch(/<testsuites [^>]*skipped="48"/);
  });
});
