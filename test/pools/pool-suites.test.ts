import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readJsonl, runSuite, tmp } from '../helpers/cli.ts';

/** A seconds-long pooled suite on copy-reverse; `patch` rewrites lines for the bad-input cases. */
const SUITE = `name: pools-micro
tasks:
  - id: copy-reverse
    options: { validSize: 0, testSize: 12, oodSize: 12, minLetters: 3, maxLetters: 4, oodMaxLetters: 5, maxLength: 16 }
teachers:
  - id: t
    model: nano
    training: { steps: 20 }
    minQuality: { accuracy: 0.99 }
students:
  - id: s
    model: nano
techniques: [none, soft-label]
seeds: [1]
data: { teacher: 40, labelled: 10, transfer: 20 }
training: { steps: 4, batchSize: 8, lr: 0.01, warmupSteps: 1 }
evaluation: { splits: [test], maxExamples: 12, maxNewTokens: 8 }
`;

function suite(dir: string, patch: (s: string) => string = (s) => s): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, patch(SUITE));
  return file;
}
const validate = (file: string) => cli(['validate', file]);

describe('pooled suites: bad input exits 2 naming file, field and fix', () => {
  const dir = tmp('db-pools-bad-');
  it.each([
    ['zero', (s: string) => s.replace('labelled: 10', 'labelled: 0'), 'data.labelled'],
    ['negative', (s: string) => s.replace('transfer: 20', 'transfer: -5'), 'data.transfer'],
    ['fractional', (s: string) => s.replace('teacher: 40', 'teacher: 2.5'), 'data.teacher'],
  ])('%s pool size', (_name, patch, field) => {
    const r = validate(suite(dir, patch));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('suite.yaml');
    expect(r.stderr).toContain(field);
    expect(r.stderr).toContain('Fix');
  });

  it('pools larger than the task can generate', () => {
    // copy-reverse with 3-4 letters of 'abc' has 3^3 + 3^4 = 108 words, 24 of them taken by test/ood.
    const r = validate(
      suite(dir, (s) =>
        s.replace('maxLength: 16 }', 'maxLength: 16, alphabet: abc }').replace('teacher: 40', 'teacher: 100'),
      ),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml: data: task 'copy-reverse' cannot generate 130 distinct/);
    expect(r.stderr).toContain('Fix: lower data.teacher, data.labelled or data.transfer');
  });

  it('minQuality on a metric the task does not produce', () => {
    const r = validate(suite(dir, (s) => s.replace('{ accuracy: 0.99 }', '{ wer: 0.3 }')));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      "teachers[0].minQuality.wer: task 'copy-reverse' does not produce metric 'wer'",
    );
    expect(r.stderr).toContain('Fix: use one of accuracy');
  });
});

describe('teacher floors and reference rows', () => {
  it('a teacher under its floor fails naming teacher, value, floor and fix; its students are skipped', () => {
    const dir = tmp('db-pools-floor-');
    const out = join(dir, 'run');
    // A 20-step nano teacher cannot reverse strings: its test accuracy is far under 0.99.
    const r = runSuite(suite(dir), dir);
    expect(r.code).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const teacher = manifest.jobs.find((j: { kind: string }) => j.kind === 'teacher');
    expect(teacher.status).toBe('failed');
    expect(teacher.error).toMatch(
      /^teacher 't' on 'copy-reverse' missed its quality floor: accuracy on test = 0\.\d{4}, floor >= 0\.99\. Fix: raise teachers\[\]\.training\.steps/,
    );
    const students = manifest.jobs.filter((j: { label: string }) => /\/(none|soft-label)\//.test(j.label));
    // `none` and the oracle need no teacher (docs/data-pools.md): they still run; soft-label is skipped.
    expect(students.map((j: { status: string }) => j.status)).toEqual(['ok', 'skipped']);
    const rows = readJsonl(join(out, 'results.jsonl'));
    expect(rows.length).toBeGreaterThan(0);
    expect(
      rows.every(
        (x: { role?: string; technique: string }) =>
          (x.role === 'oracle' && x.technique === 'oracle') ||
          (x.role === undefined && x.technique === 'none'),
      ),
    ).toBe(true);
  });

  it('a teacher over its floor writes teacher rows; every student and the oracle run', () => {
    const dir = tmp('db-pools-ok-');
    const out = join(dir, 'run');
    const file = suite(dir, (s) => s.replace('{ accuracy: 0.99 }', '{ accuracy: 0 }'));
    const r = runSuite(file, dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = readJsonl(join(out, 'results.jsonl'));
    const roles = new Set(
      rows.map((x: { technique: string; role?: string }) => `${x.technique}:${x.role ?? '-'}`),
    );
    expect([...roles].sort()).toEqual(['none:-', 'oracle:oracle', 'soft-label:-', 'teacher:teacher']);
    const teacherRow = rows.find((x: { role?: string }) => x.role === 'teacher');
    expect(teacherRow.student).toBe('t');
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').split('\n');
    expect(csv[0].split(',').slice(0, 5)).toEqual(['task', 'split', 'technique', 'student', 'role']);
    expect(csv.some((l) => l.startsWith('copy-reverse,test,teacher,t,teacher,'))).toBe(true);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('oracle _(reference: oracle)_');
  });
});
