import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { UsageError } from '../../harness/errors.ts';
import type { TeacherJob } from '../../harness/runner/plan.ts';
import { loadSuite } from '../../harness/runner/suite-load.ts';
import { checkFloor } from '../../harness/runner/teacher-job.ts';
import { taskRegistry } from '../../harness/tasks/index.ts';
import { pooledTaskOptions, splitPools } from '../../harness/tasks/pools.ts';
import { none } from '../../harness/techniques/none.ts';
import { cli, tmp } from '../helpers/cli.ts';
import { toyContext } from '../helpers/toy-context.ts';

const MICRO = join(import.meta.dirname, '..', '..', 'fixtures', 'suites', 'micro.yaml');
const dir = tmp('db-pools-');
let n = 0;
/** micro.yaml with pools (and an optional edit), written to a temp file. */
function suite(edit: (s: any) => void = () => {}): string {
  const s = YAML.parse(readFileSync(MICRO, 'utf8'));
  s.data = { teacher: 40, labelled: 30, transfer: 50 };
  edit(s);
  const f = join(dir, `s${n++}.yaml`);
  writeFileSync(f, YAML.stringify(s));
  return f;
}

describe('pools', () => {
  const task = taskRegistry.get('arithmetic-rationales');
  const spec = { teacher: 50, labelled: 20, transfer: 30, seed: 7 };
  const options = task.options.parse({ validSize: 0, testSize: 20, oodSize: 10 });
  const gen = () => task.generate(pooledTaskOptions(options, spec), spec.seed);

  it('are disjoint, sized as asked, and a pure function of (data seed, student seed)', () => {
    const a = splitPools(gen(), spec, 1);
    expect([a.teacher.length, a.labelled.length, a.transfer.length]).toEqual([50, 20, 30]);
    const prompts = (xs: { prompt: string }[]) => xs.map((x) => x.prompt);
    const all = [...prompts(a.teacher), ...prompts(a.labelled), ...prompts(a.transfer)];
    expect(new Set(all).size).toBe(100);
    const test = new Set(prompts(a.data.splits.test));
    expect(all.filter((p) => test.has(p))).toEqual([]);
    // The technique sees only the labelled pool as train; transfer prompts carry no gold.
    expect(a.data.splits.train).toEqual(a.labelled);
    for (const t of a.transfer) {
      expect(Object.keys(t).sort()).toEqual(['id', 'meta', 'prompt']);
      expect(t.meta).not.toHaveProperty('answer');
    }
    expect(splitPools(gen(), spec, 1)).toEqual(a);
    // Another student seed: same teacher pool (one shared teacher), another labelled/transfer cut.
    const b = splitPools(gen(), spec, 2);
    expect(b.teacher).toEqual(a.teacher);
    expect(prompts(b.labelled)).not.toEqual(prompts(a.labelled));
    expect(new Set([...prompts(b.labelled), ...prompts(b.transfer)])).toEqual(
      new Set([...prompts(a.labelled), ...prompts(a.transfer)]),
    );
  });

  it('`none` trains on ctx.labelled only and never reads ctx.transfer', async () => {
    const ctx = toyContext([], 3);
    let read = false;
    Object.defineProperty(ctx, 'transfer', {
      get() {
        read = true;
        throw new Error('none read the transfer pool');
      },
    });
    const r = await none.train(ctx, {});
    expect(read).toBe(false);
    expect(r.supervision).toBe(ctx.labelled);
  });
});

describe('teacher floors', () => {
  const job = { teacher: { id: 'big' }, taskId: 'arithmetic-rationales', minQuality: { accuracy: 0.9 } };
  it('a teacher under its floor fails naming teacher, value, floor and fix', () => {
    const rows = [{ split: 'test', metric: 'accuracy', value: 0.5 }] as any;
    expect(() => checkFloor(job as unknown as TeacherJob, rows)).toThrow(
      "teacher 'big' on 'arithmetic-rationales' missed its quality floor: accuracy on test = 0.5000, floor >= 0.9. Fix: raise teachers[].training.steps",
    );
    expect(() =>
      checkFloor(job as unknown as TeacherJob, [{ split: 'test', metric: 'accuracy', value: 0.9 }] as any),
    ).not.toThrow();
    const wer = { ...job, minQuality: { wer: 0.35 } } as unknown as TeacherJob;
    expect(() => checkFloor(wer, [{ split: 'test', metric: 'wer', value: 0.36 }] as any)).toThrow(
      'floor <= 0.35',
    );
  });

  it('through a run: the teacher job fails with that message and its students are skipped', () => {
    const out = join(dir, 'floor-run');
    const f = suite((s) => {
      s.teachers[0].training.steps = 2;
      s.teachers[0].minQuality = { accuracy: 0.99 };
      s.techniques = ['none', 'hard-label'];
      s.seeds = [1];
    });
    const r = cli(['run', f, '--out', out, '--quiet', '--workers', '1']);
    expect(r.code, r.stderr).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const byLabel = new Map(manifest.jobs.map((j: any) => [j.label, j]));
    const teacher: any = byLabel.get('teacher copy-reverse/t');
    expect(teacher.status).toBe('failed');
    expect(teacher.error).toMatch(
      /teacher 't' on 'copy-reverse' missed its quality floor: accuracy on test = 0\.\d{4}, floor >= 0\.99\. Fix:/,
    );
    expect((byLabel.get('copy-reverse/hard-label/s/seed 1') as any).status).toBe('skipped');
    // `none` and the oracle need no teacher: they still run.
    expect((byLabel.get('copy-reverse/none/s/seed 1') as any).status).toBe('ok');
    expect((byLabel.get('copy-reverse/oracle/s/seed 1') as any).status).toBe('ok');
  }, 120_000);
});

describe('bad pool and floor input', () => {
  const cases: [string, (s: any) => void, RegExp][] = [
    ['zero size', (s) => (s.data.labelled = 0), /data\.labelled.*at least 1/],
    ['negative size', (s) => (s.data.transfer = -5), /data\.transfer/],
    [
      'more than the task can generate',
      // Three letters, 3-4 long: 108 distinct strings, fewer than test + ood + 120 pooled examples.
      (s) => (s.tasks[0].options.alphabet = 'abc'),
      /data: task 'copy-reverse' cannot generate .*Fix: lower data\.teacher, data\.labelled or data\.transfer/,
    ],
    [
      'floor on a metric the task does not produce',
      (s) => (s.teachers[0].minQuality = { wer: 0.3 }),
      /teachers\[0\]\.minQuality\.wer: task 'copy-reverse' does not produce metric 'wer'\. Fix: use one of/,
    ],
  ];
  for (const [name, edit, message] of cases)
    it(`${name}: refused at load, naming file and field`, async () => {
      const f = suite(edit);
      const err = await loadSuite(f).catch((e) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain(f);
      expect(err.message).toMatch(message);
    });

  it('through the CLI: exit 2 and no run directory', () => {
    const out = join(dir, 'never');
    const r = cli(['run', suite((s) => (s.data.teacher = 0)), '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/data\.teacher/);
  });
});
