import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { forMarkdown, forTerminal, forTerminalLines } from '../../harness/core/sanitize.ts';
import { UsageError } from '../../harness/errors.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import { cliConcurrent, tmp } from '../helpers/cli.ts';

/** Issue 15's suite-loading and CLI-value defects: each an exit-2 message naming file and field. */

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
const TEXT = readFileSync(MICRO, 'utf8');
const base = () => YAML.parse(TEXT);
const dir = tmp('suite-hostile-');
let n = 0;
const write = (text: string, ext = 'yaml') => {
  const f = join(dir, `s${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
};
const withSuite = (edit: (s: any) => void) => {
  const s = base();
  edit(s);
  return write(YAML.stringify(s));
};

async function refusal(file: string): Promise<string> {
  try {
    await loadSuite(file);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('suite loading: hostile files', () => {
  it('D9: duplicate tasks, teachers, students, seeds are refused with the field path', async () => {
    const f = withSuite((s) => s.seeds.push(1));
    expect(await refusal(f)).toBe(
      `${f}: field 'seeds[2]': seed 1 is already listed at seeds[0]. Fix: list each seed once.`,
    );
    expect(await refusal(withSuite((s) => s.students.push({ ...s.students[0] })))).toMatch(
      /field 'students\[1\]': student id 's' is already listed at students\[0\]/,
    );
    expect(await refusal(withSuite((s) => s.teachers.push({ ...s.teachers[0] })))).toMatch(
      /field 'teachers\[1\]': teacher id 't' is already listed at teachers\[0\]/,
    );
    expect(await refusal(withSuite((s) => s.tasks.push(s.tasks[0])))).toMatch(
      /field 'tasks\[1\]': task 'copy-reverse'/,
    );
  });

  it("D9: one teacher listed twice does not satisfy multi-teacher's two teachers", async () => {
    const f = withSuite((s) => {
      s.teachers.push({ ...s.teachers[0] });
      s.techniques = ['none', 'multi-teacher'];
    });
    expect(await refusal(f)).toMatch(/teachers\[1\]': teacher id 't' is already listed/);
    // Two distinct teachers are accepted: the check is about duplicates, not about multi-teacher.
    const ok = withSuite((s) => {
      s.teachers.push({ ...s.teachers[0], id: 't2' });
      s.techniques = ['none', 'multi-teacher'];
    });
    expect((await loadSuite(ok)).suite.teachers).toHaveLength(2);
  });

  it('D10: a YAML alias bomb, an undefined alias and deep nesting are exit-2 messages', async () => {
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const b = write(`${TEXT}\n${bomb.join('\n')}\n`);
    expect(await refusal(b)).toMatch(new RegExp(`^${esc(b)}: YAML aliases expand to too much data`));
    const u = write(TEXT.replace('name: micro', 'name: *nope'));
    expect(await refusal(u)).toMatch(/YAML alias refers to an anchor that is not defined before it/);
    const deepFlow = write(`${TEXT}\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    expect(await refusal(deepFlow)).toMatch(/nested/);
    const deep = write(`${TEXT}\nx: ${'['.repeat(40)}${']'.repeat(40)}\n`);
    expect(await refusal(deep)).toMatch(/is nested more than 32 levels deep/);
    const deepJson = write(
      `${JSON.stringify(base()).slice(0, -1)}, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      'json',
    );
    expect(await refusal(deepJson)).toMatch(new RegExp(`^${esc(deepJson)}: field 'x\\[0\\]`));
  });

  it('D12: a directory named x.yaml is refused', async () => {
    const d = join(dir, 'x.yaml');
    mkdirSync(d);
    expect(await refusal(d)).toBe(
      `${d}: is a directory, not a suite file. Fix: give the path of a .yaml, .json or .ts file.`,
    );
  });

  it('D17: JSON and YAML syntax errors name the file', async () => {
    const j = write('{"name": "micro",', 'json');
    expect(await refusal(j)).toMatch(new RegExp(`^${esc(j)}: invalid JSON: `));
    const y = write('name: micro\ntasks: [ {id: x\n');
    expect(await refusal(y)).toMatch(new RegExp(`^${esc(y)}:\\d+:\\d+: YAML syntax error`));
  });

  it('D22: a JSON suite with a UTF-8 BOM is accepted', async () => {
    const f = write(`\uFEFF${JSON.stringify(base())}`, 'json');
    expect((await loadSuite(f)).suite.name).toBe('micro');
  });

  it('D23: a 10k-character suite name and a 100 KB string are refused with a short message', async () => {
    const f = withSuite((s) => (s.name = 'a'.repeat(10_000)));
    const m = await refusal(f);
    expect(m).toMatch(/field 'name' = "a+… \(\d+ more characters\): at most 64 characters/);
    expect(m.length).toBeLessThan(400);
    const g = withSuite((s) => (s.tasks[0].options.junk = 'b'.repeat(100_000)));
    const m2 = await refusal(g);
    expect(m2).toMatch(/field 'tasks\[0\]\.options\.junk' is a string of 100000 characters; at most 10000/);
    expect(m2.length).toBeLessThan(400);
  });

  it('D24: evaluation.splits: [] and metrics: [] are refused', async () => {
    expect(await refusal(withSuite((s) => (s.evaluation.splits = [])))).toMatch(
      /field 'evaluation\.splits' = \[\]: list at least one split/,
    );
    expect(await refusal(withSuite((s) => (s.metrics = [])))).toMatch(
      /field 'metrics' = \[\]: list at least one metric/,
    );
  });

  it("D8: a '__proto__' key anywhere in a suite is refused, not silently dropped", async () => {
    const f = write(TEXT.replace('trainSize: 120,', 'trainSize: 120, __proto__: {a: 1},'));
    expect(await refusal(f)).toMatch(/field 'tasks\[0\]\.options\.__proto__' is not allowed/);
  });
});

describe.concurrent('run CLI values', () => {
  const out = join(dir, 'never');
  for (const [seeds, message] of [
    ['', "--seeds: '' has an empty item (position 1)"],
    ['1,,2', "--seeds: '1,,2' has an empty item (position 2)"],
    ['1,', "--seeds: '1,' has an empty item (position 2)"],
    ['1,1', '--seeds: seed 1 is listed twice'],
    ['2147483648', "--seeds: '2147483648' is not an integer from 0 to 2147483647"],
  ])
    it(`D13/D9: --seeds '${seeds}' is refused`, async () => {
      const r = await cliConcurrent(['run', MICRO, '--dry-run', '--out', out, '--seeds', seeds]);
      expect(r.code, r.out).toBe(2);
      expect(r.stderr).toContain(`error: ${message}`);
    });

  it('D13: --workers 1000000000 is capped with a message', async () => {
    const r = await cliConcurrent(['run', MICRO, '--dry-run', '--out', out, '--workers', '1000000000']);
    expect(r.code, r.out).toBe(0);
    expect(r.stderr).toMatch(/warning: --workers 1000000000: capped at \d+, the CPU cores of this machine/);
  });

  it('D23/D26: error lines echoed to the terminal are capped and have no control characters', () => {
    const line = `x\u001b[2J${'y'.repeat(5000)}`;
    expect(forTerminalLines(`${line}\nok`)).toBe(`x\\x1b[2J${'y'.repeat(1995)}… (3005 more characters)\nok`);
    expect(forTerminal('a\nb\u0007\u202e')).toBe('a\\x0ab\\x07\\u202e');
  });

  it('D26: forMarkdown (summary.md, gate.md) leaves no live markup, link, mention or control character', () => {
    expect(forMarkdown('![x](http://e/i.png) <img> @team www.e.com |c| # h\u001b')).toBe(
      '!\\[x\\](http&#58;//e/i.png) &lt;img&gt; &#64;team www&#46;e.com \\|c\\| # h',
    );
    expect(forMarkdown('- item')).toBe('\\- item');
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
