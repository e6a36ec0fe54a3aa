import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../../test/helpers/cli.ts';

// End to end through bin/distill-bench.mjs, as a user runs it.
describe('distill-bench metric', () => {
  const dir = tmp('metric-cli-');
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const ref = file('ref.txt', 'the cat sat on the mat\nhello world\n');
  const hyp = file('hyp.txt', 'the cat sat on mat\nhello there world\n');

  it('wer: value, signature and edit counts; --json carries per-segment values', () => {
    // Line 1: one deletion over 6 words; line 2: one insertion over 2 words -> (1 + 1) / 8 = 0.25.
    const r = cli(['metric', 'wer', '--reference', ref, '--hypothesis', hyp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wer = 0.2500');
    expect(r.stdout).toContain('hits 7, substitutions 0, deletions 1, insertions 1');
    expect(r.stdout).toContain('signature: wer|agg:corpus|norm:strip+collapse|tok:space|tie:max-hits|v1');
    const j = JSON.parse(
      cli(['metric', 'wer', '--reference', ref, '--hypothesis', hyp, '--per-segment', '--json']).stdout,
    );
    expect(j.value).toBe(0.25);
    expect(j.segments.map((s: { value: number }) => s.value)).toEqual([1 / 6, 1 / 2]);
  });

  it('bad input exits 2 with the file and line named, no stack trace', () => {
    const short = file('short.txt', 'only one line\n');
    const r = cli(['metric', 'wer', '--reference', ref, '--hypothesis', short]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`line 2 of ${ref}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const unknown = cli(['metric', 'wre', '--reference', ref, '--hypothesis', hyp]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Did you mean: 'wer'");
    const csv = file('x.csv', '1,2\n3,oops\n');
    const cka = cli(['metric', 'cka', '--x', csv, '--y', csv]);
    expect(cka.code).toBe(2);
    expect(cka.stderr).toContain(`${csv}:2: column 2 is 'oops'`);
  });
});
