import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobData } from '../../harness/runner/execute.ts';
import { planSuite } from '../../harness/runner/plan.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import { cli, readJsonl, runSuite, tmp } from '../helpers/cli.ts';

/**
 * Recorded teachers (kind: responses, docs/data-pools.md "Recorded teachers") on the walkthrough's
 * data: bad input exits 2 naming file, field and fix, with nothing written; `missing: skip` filters
 * the pools of every technique to the prompts the file answers.
 */
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'your-own-data');
const SUITE = readFileSync(join(EXAMPLE, 'suite.yaml'), 'utf8');

function setup(patch: (s: string) => string = (s) => s): { dir: string; file: string } {
  const dir = tmp('db-recorded-');
  for (const f of ['gold.jsonl', 'llm-a.jsonl', 'llm-b.jsonl']) copyFileSync(join(EXAMPLE, f), join(dir, f));
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, patch(SUITE));
  return { dir, file };
}
const lines = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n');

/** `run` exits 2 with every fragment in stderr and leaves no run directory. */
function refused(dir: string, file: string, ...fragments: string[]) {
  const r = runSuite(file, dir);
  expect(r.code, r.stderr).toBe(2);
  for (const f of fragments) expect(r.stderr).toContain(f);
  expect(existsSync(r.out)).toBe(false);
  return r.stderr;
}

describe('recorded teachers: bad input exits 2 naming file, field and fix, writing nothing', () => {
  it('a missing file', () => {
    const { dir, file } = setup((s) => s.replace('file: llm-b.jsonl', 'file: llm-c.jsonl'));
    refused(dir, file, 'llm-c.jsonl: cannot read (ENOENT)', 'Fix: check teachers[1].file');
  });

  it('non-UTF-8 bytes', () => {
    const { dir, file } = setup();
    writeFileSync(
      join(dir, 'llm-a.jsonl'),
      Buffer.concat([readFileSync(join(dir, 'llm-a.jsonl')), Buffer.from([0xff, 0x0a])]),
    );
    refused(dir, file, 'llm-a.jsonl:49: not UTF-8', 'Fix: re-save the file as UTF-8.');
  });

  it('a CSV row with too many fields', () => {
    const { dir, file } = setup((s) => s.replace('file: llm-a.jsonl', 'file: llm-a.csv'));
    writeFileSync(join(dir, 'llm-a.csv'), 'prompt,response\nplural of cat:,cats\nplural of ox:,oxen,extra\n');
    refused(
      dir,
      file,
      'llm-a.csv:3: 3 field(s) but the header has 2',
      'Fix: quote fields that contain commas',
    );
  });

  it('a misspelt column gets did-you-mean against the file columns', () => {
    const { dir, file } = setup();
    writeFileSync(
      join(dir, 'llm-a.jsonl'),
      lines(dir, 'llm-a.jsonl')
        .map((l) => l.replace('"response"', '"respons"'))
        .join('\n'),
    );
    refused(
      dir,
      file,
      "llm-a.jsonl: the file has no 'response' column. Did you mean: 'respons'?",
      'Fix: name the columns prompt, response',
    );
  });

  it('one prompt recorded twice with different responses', () => {
    const { dir, file } = setup();
    const rows = lines(dir, 'llm-a.jsonl');
    writeFileSync(join(dir, 'llm-a.jsonl'), [...rows, rows[0].replace('"mice"', '"mouses"')].join('\n'));
    refused(
      dir,
      file,
      'llm-a.jsonl:49: field \'response\': prompt "plural of mouse:" was recorded with a different response on line 1',
    );
  });

  it('the same prompt twice with the same response is fine', () => {
    const { dir, file } = setup();
    const rows = lines(dir, 'llm-a.jsonl');
    writeFileSync(join(dir, 'llm-a.jsonl'), [...rows, rows[0]].join('\n'));
    const r = cli(['validate', file]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['model', 'model: nano'],
    ['training', 'training: { steps: 5 }'],
  ])('kind: responses with %s', (field, extra) => {
    const { dir, file } = setup((s) => s.replace('file: llm-a.jsonl }', `file: llm-a.jsonl, ${extra} }`));
    refused(dir, file, `suite.yaml: teachers[0].${field}:`, `takes no '${field}'`, `Fix: remove '${field}'`);
  });

  it('a technique that reads the teacher network', () => {
    const { dir, file } = setup((s) => s.replace('techniques: [none,', 'techniques: [soft-label, none,'));
    refused(dir, file, 'suite.yaml: techniques[0]:', "'llm-a' of task 'file' is kind: responses");
  });

  it('conversational, which asks its teacher prompts of its own making', () => {
    const { dir, file } = setup((s) => s.replace('techniques: [none,', 'techniques: [none, conversational,'));
    refused(dir, file, 'suite.yaml: techniques[1]:', "'conversational' asks its teacher fresh task draws");
  });

  it('prompts without a recorded response (missing: error, the default)', () => {
    const { dir, file } = setup();
    writeFileSync(join(dir, 'llm-b.jsonl'), lines(dir, 'llm-b.jsonl').slice(0, 10).join('\n'));
    const err = refused(
      dir,
      file,
      'suite.yaml: teachers[1].file:',
      'llm-b.jsonl (first: n',
      'Fix: record responses for them, or set missing: skip on teachers[1]',
    );
    // 10 of the 48 rows are kept, so at least 32 - 10 of the 32 labelled + transfer prompts lack one.
    const n = Number(/(\d+) of 32 training prompts/.exec(err)?.[1]);
    expect(n).toBeGreaterThanOrEqual(22);
    expect(n).toBeLessThanOrEqual(32);
  });
});

describe('missing: skip', () => {
  it('leaves the unanswered prompts out of every pool, and says how many in the manifest', async () => {
    const { dir, file } = setup((s) =>
      s.replace('file: llm-b.jsonl }', 'file: llm-b.jsonl, missing: skip }'),
    );
    const kept = lines(dir, 'llm-b.jsonl').slice(5);
    writeFileSync(join(dir, 'llm-b.jsonl'), kept.join('\n'));
    const answered = new Set(kept.map((l) => JSON.parse(l).prompt as string));
    const loaded = await loadSuite(file);
    const plan = planSuite(loaded, 'cpu');
    // The first 5 rows are gone; those among the 32 training prompts are what the warning counts.
    const all = jobData({ ...plan.students[0], recorded: undefined });
    const lost = [...all.labelled, ...all.transfer].filter((e) => !answered.has(e.prompt)).length;
    expect(lost).toBeGreaterThan(0);
    for (const job of plan.students) {
      const d = jobData(job);
      const prompts = [...d.labelled, ...d.transfer].map((e) => e.prompt);
      // `none` and the oracle too, so every comparison is on the same prompts.
      expect(
        prompts.every((p) => answered.has(p)),
        job.label,
      ).toBe(true);
      expect(prompts.length, job.label).toBe(32 - lost);
    }
    const r = runSuite(file, dir);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8'));
    expect(manifest.warnings.join('\n')).toContain(
      `${lost} of 32 training prompts of task 'file' have no recorded response`,
    );
    expect(
      readJsonl(join(r.out, 'results.jsonl')).some((x) => x.role === 'teacher' && x.student === 'llm-b'),
    ).toBe(true);
  });

  it('an edited file changes the suite hash, so a run dir of the old file is not resumed', async () => {
    const { dir, file } = setup();
    const before = (await loadSuite(file)).suite.teachers[0].sha256;
    expect(runSuite(file, dir).code).toBe(0);
    const edited = lines(dir, 'llm-a.jsonl').map((l) => l.replace('"cats"', '"cat"'));
    writeFileSync(join(dir, 'llm-a.jsonl'), edited.join('\n'));
    const after = (await loadSuite(file)).suite.teachers[0].sha256;
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    expect(after).not.toBe(before);
    const again = runSuite(file, dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/holds a run of suite 'your-own-data' \(hash/);
  });
});
