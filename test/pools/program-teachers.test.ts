import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arithmeticRationales as task } from '../../harness/tasks/arithmetic-rationales.ts';
import { parseTaskOptions } from '../../harness/tasks/options.ts';
import { cli, readJsonl, runSuite, tmp } from '../helpers/cli.ts';

/**
 * A seconds-long pooled arithmetic suite whose teachers are programs (docs/data-pools.md, "Program
 * teachers"); `patch` rewrites lines for the bad-input cases.
 */
const SUITE = `name: program-micro
tasks:
  - id: arithmetic-rationales
    options: { validSize: 0, testSize: 16, oodSize: 16 }
teachers:
  - id: gold
    kind: program
    minQuality: { accuracy: 1 }
  - id: carry
    kind: program
    profile: no-carry
students:
  - id: s
    model: nano
techniques: [hard-label]
seeds: [1]
data: { teacher: 10, labelled: 10, transfer: 20 }
training: { steps: 4, batchSize: 8, lr: 0.01, warmupSteps: 1 }
evaluation: { splits: [test, ood], maxExamples: 16, maxNewTokens: 40 }
`;

function suite(dir: string, patch: (s: string) => string = (s) => s): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, patch(SUITE));
  return file;
}
const validate = (file: string) => cli(['validate', file]);

describe('program teachers: bad input exits 2 naming file, field and fix', () => {
  const dir = tmp('db-program-bad-');

  it('the valid suite validates', () => {
    const r = validate(suite(dir));
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    'soft-label',
    'on-policy',
    'projection-lora',
    '{ multi-teacher: { mode: average-distribution } }',
  ])('a technique that reads the teacher network: %s', (technique) => {
    const r = validate(
      suite(dir, (s) => s.replace('techniques: [hard-label]', `techniques: [hard-label, ${technique}]`)),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('suite.yaml: techniques[1]:');
    expect(r.stderr).toContain(
      "teachers[0] 'gold' of task 'arithmetic-rationales' is kind: program (teachers[0].kind)",
    );
    expect(r.stderr).toContain(
      'Fix: use a trained teacher, or a sequence-level technique: hard-label, purify:*, multi-teacher with mode: rationales.',
    );
  });

  it('sequence-level techniques are accepted (multi-teacher rationales, a router, co-distillation with a student-size peer)', () => {
    const r = validate(
      suite(dir, (s) =>
        s.replace(
          'techniques: [hard-label]',
          'techniques: [none, hard-label, multi-teacher, purify:classifier-router, { co-distillation: { peer: student } }]',
        ),
      ),
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('co-distillation with its default teacher-size peer is refused (it copies the teacher network size)', () => {
    const r = validate(
      suite(dir, (s) => s.replace('techniques: [hard-label]', 'techniques: [co-distillation]')),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('techniques[0]:');
  });

  it.each([
    ['model', 'model: nano'],
    ['training', 'training: { steps: 5 }'],
  ])('a program teacher with %s', (field, line) => {
    const r = validate(
      suite(dir, (s) =>
        s.replace('    kind: program\n    minQuality', `    kind: program\n    ${line}\n    minQuality`),
      ),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`suite.yaml: teachers[0].${field}:`);
    expect(r.stderr).toContain(`Fix: remove '${field}', or set kind: trained.`);
  });

  it('kind: program on a task without a solver (per-task teachers name tasks[k].teachers[i].kind)', () => {
    const r = validate(
      suite(dir, (s) =>
        s.replace(
          '    options: { validSize: 0, testSize: 16, oodSize: 16 }',
          '    options: { validSize: 0, testSize: 16, oodSize: 16 }\n  - id: copy-reverse\n    teachers: [{ id: p, kind: program }]',
        ),
      ),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('suite.yaml: tasks[1].teachers[0].kind:');
    expect(r.stderr).toContain("task 'copy-reverse' cannot compute its gold exactly");
    expect(r.stderr).toContain('Fix: use kind: trained');
  });

  it('a profile the task does not have gets did-you-mean', () => {
    const r = validate(suite(dir, (s) => s.replace('profile: no-carry', 'profile: no-cary')));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('teachers[1].profile');
    expect(r.stderr).toMatch(/Did you mean: 'no-carry'\?/);
  });

  it('a metric that reads the first teacher network', () => {
    const r = validate(
      suite(dir, (s) => s.replace('seeds: [1]', 'seeds: [1]\nmetrics: [accuracy, rse-proxy, cka]')),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      "suite.yaml: metrics[2]: 'cka' compares the student with the first teacher's network",
    );
    expect(r.stderr).toContain('Fix: drop');
  });

  it('an unknown kind', () => {
    const r = validate(
      suite(dir, (s) => s.replace('kind: program\n    minQuality', 'kind: oracle\n    minQuality')),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('teachers[0].kind');
  });
});

describe('program teachers run end to end', () => {
  it('gold scores accuracy 1 on test and OOD, no-carry exactly its profile share; hard-label trains on their answers', () => {
    const dir = tmp('db-program-run-');
    const out = join(dir, 'run');
    const r = runSuite(suite(dir), dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = readJsonl(join(out, 'results.jsonl'));
    const acc = (student: string, split: string) =>
      rows.find(
        (x: { role?: string; student: string; split: string; metric: string }) =>
          x.role === 'teacher' && x.student === student && x.split === split && x.metric === 'accuracy',
      )?.value;
    expect(acc('gold', 'test')).toBe(1);
    expect(acc('gold', 'ood')).toBe(1);
    // Independently of the program teacher: the task generator records, per example, which profiles
    // get it right (meta.correctProfiles); the test split does not depend on pool sizes.
    const test = task.generate(parseTaskOptions(task, { validSize: 0, testSize: 16, oodSize: 16 }), 1).splits
      .test;
    const carryRight = test.filter((e) => (e.meta.correctProfiles as string[]).includes('no-carry')).length;
    expect(carryRight).toBeGreaterThan(0);
    expect(carryRight).toBeLessThan(16);
    expect(acc('carry', 'test')).toBeCloseTo(carryRight / 16, 10);
    const jobs = readJsonl(join(out, 'jobs.jsonl'));
    const teacherJobs = jobs.filter((j: { kind: string }) => j.kind === 'teacher');
    expect(teacherJobs.map((j: { status: string }) => j.status)).toEqual(['ok', 'ok']);
    for (const j of teacherJobs) expect(j.cost.optimizerSteps).toBe(0);
    const student = jobs.find((j: { technique: string }) => j.technique === 'hard-label');
    expect(student.status).toBe('ok');
    // A program runs no network (0 forward tokens); hard-label asks it once per transfer prompt (20).
    expect(student.cost.teacherForwardTokens).toBe(0);
    expect(student.cost.teacherGenerations).toBe(20);
  });

  it('a blind-spot program under its floor fails like a trained teacher; the students that need it are skipped', () => {
    const dir = tmp('db-program-floor-');
    const out = join(dir, 'run');
    // no-carry is right on 14/16 test questions (the generator's correctProfiles), under a 0.99 floor.
    const file = suite(dir, (s) =>
      s.replace('    profile: no-carry', '    profile: no-carry\n    minQuality: { accuracy: 0.99 }'),
    );
    const r = runSuite(file, dir);
    expect(r.code).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const carry = manifest.jobs.find((j: { label: string }) => j.label.endsWith('/carry'));
    expect(carry.status).toBe('failed');
    expect(carry.error).toMatch(
      /^teacher 'carry' on 'arithmetic-rationales' missed its quality floor: accuracy on test = 0\.8750, floor >= 0\.99/,
    );
    const hard = manifest.jobs.find((j: { label: string }) => /\/hard-label\//.test(j.label));
    expect(hard.status).toBe('skipped');
  });
});
