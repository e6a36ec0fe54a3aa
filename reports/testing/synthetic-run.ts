/**
 * Synthetic run directories for report tests: made-up but plausible numbers following
 * harness/runner/run-dir.ts exactly, generated from a seeded Rng so the fixture is reproducible.
 * No model is trained; the manifest says so (environment.synthetic, a warning, the suite name).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../harness/engine/rng.ts';
import type { ExampleRow, JobRecord, Manifest, ResultRow, RunDir } from '../../harness/runner/run-dir.ts';

export interface SyntheticOptions {
  suite?: string;
  techniques?: string[];
  student?: string;
  task?: string;
  seeds?: number[];
  /** Examples per job and evaluated split (test and ood). */
  examples?: number;
  /** Strings injected into prompts, references and responses (the XSS test). */
  payloads?: string[];
  /** Also list one failed job in the manifest. */
  failedJob?: boolean;
}

/** Mean quality per technique; later techniques are a bit better, so findings have something to say. */
function level(i: number): { acc: number; wer: number; ice: number } {
  return { acc: 0.55 + 0.06 * i, wer: 0.42 - 0.05 * i, ice: 0.08 + 0.05 * i };
}

const OPS = ['+', '-', '*'];
const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'red', 'fox', 'ran', 'far', 'and', 'then', 'slept'];

function sample(rng: Rng, i: number): { prompt: string; reference: string } {
  if (i % 2 === 0) {
    const a = rng.int(1, 9);
    const b = rng.int(1, 9);
    const op = rng.pick(OPS);
    const v = op === '+' ? a + b : op === '-' ? a - b : a * b;
    return { prompt: `${a}${op}${b}=`, reference: `${a} ${op} ${b} is ${v}` };
  }
  const n = rng.int(3, 6);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  return { prompt: `say: ${words.join(' ')}`, reference: words.join(' ') };
}

/** Damages a reference the way a weak student would: swap, drop or add a word. */
function corrupt(rng: Rng, ref: string): string {
  const w = ref.split(' ');
  const k = rng.int(0, w.length - 1);
  const kind = rng.int(0, 2);
  if (kind === 0) w[k] = rng.pick(WORDS);
  else if (kind === 1 && w.length > 1) w.splice(k, 1);
  else w.splice(k, 0, rng.pick(WORDS));
  return w.join(' ');
}

export function syntheticRun(opts: SyntheticOptions = {}): RunDir {
  const suite = opts.suite ?? 'fixture-mini';
  const techniques = opts.techniques ?? ['none', 'hard-label', 'soft-label'];
  const student = opts.student ?? 'nano';
  const task = opts.task ?? 'arithmetic-rationales';
  const seeds = opts.seeds ?? [1, 2];
  const nEx = opts.examples ?? 12;
  const payloads = opts.payloads ?? [];
  const results: ResultRow[] = [];
  const jobs: JobRecord[] = [];
  const examples: ExampleRow[] = [];
  const signatures: Record<string, string> = {
    accuracy: 'accuracy|match:exact|extract:arithmetic-rationales|v1',
    wer: 'wer|norm:v1|tok:space|corpus',
    'rse-top1': 'rse-top1|forced:teacher-response|v1',
    'ice-loose': 'ice|probes:v1|v1',
    'ice-strict': 'ice|probes:v1|v1',
    'ice-hard': 'ice|probes:v1|v1',
  };
  const dir: Record<string, 'higher' | 'lower'> = {
    accuracy: 'higher',
    wer: 'lower',
    'rse-top1': 'higher',
    'ice-loose': 'lower',
    'ice-strict': 'lower',
    'ice-hard': 'lower',
  };
  const manifestJobs: Manifest['jobs'] = [];
  for (const seed of seeds) {
    manifestJobs.push({
      key: `teacher-${seed}`,
      kind: 'teacher',
      status: 'ok',
      label: `${task}/teacher/seed ${seed}`,
      wallTimeMs: 1000,
    });
    jobs.push({
      schemaVersion: 1,
      jobKey: `teacher-${seed}`,
      kind: 'teacher',
      task,
      technique: '-',
      student: 'teacher',
      seed,
      status: 'ok',
      cost: { wallTimeMs: 1000 },
    });
  }
  techniques.forEach((technique, ti) => {
    for (const seed of seeds) {
      const rng = new Rng(`${suite}:${technique}:${seed}`);
      const jobKey = `${String(ti).padStart(2, '0')}-${technique.replace(/[^a-z0-9-]/gi, '_')}-s${seed}`;
      const base = { schemaVersion: 1, jobKey, task, technique, student, seed };
      const lv = level(ti);
      const jitter = () => (rng.next() - 0.5) * 0.04;
      const metric = (split: string, m: string, v: number) =>
        results.push({
          ...base,
          split,
          metric: m,
          value: +v.toFixed(6),
          signature: signatures[m],
          direction: dir[m],
        });
      for (const split of ['test', 'ood']) {
        const shift = split === 'ood' ? 0.15 : 0;
        metric(split, 'accuracy', lv.acc - shift + jitter());
        metric(split, 'wer', lv.wer + shift + jitter());
        if (technique !== 'none') metric(split, 'rse-top1', 0.6 + 0.05 * ti + jitter());
      }
      metric('probes', 'ice-loose', lv.ice + jitter() + 0.04);
      metric('probes', 'ice-strict', lv.ice + jitter());
      metric('probes', 'ice-hard', Math.max(0, lv.ice + jitter() - 0.05));
      const steps = 60;
      const curve: [number, number][] = Array.from({ length: 20 }, (_, k) => [
        k * 3,
        +(4.5 * Math.exp(-k / (6 + ti)) + 0.8 + 0.1 * rng.next()).toFixed(5),
      ]);
      const warnings =
        technique === 'soft-label' && seed === seeds[0]
          ? ['loss term kl is 40x smaller than ce; consider raising its weight']
          : [];
      jobs.push({
        ...base,
        kind: 'student',
        status: 'ok',
        cost: {
          optimizerSteps: steps,
          studentTokens: 9000 + 100 * ti,
          teacherForwardTokens: technique === 'none' ? 0 : 12000 * (ti + 1),
          teacherGenerations: technique === 'hard-label' ? 400 : 0,
          trainableParameters: 19876,
          trainablePctOfTeacher: 24.5,
          wallTimeMs: 1500 + 700 * ti + Math.round(100 * rng.next()),
          peakRssMB: 200 + 10 * ti,
          finalLosses: { total: curve[curve.length - 1][1] },
          lossMagnitudes: { total: 2 },
          warnings,
        },
        curve,
        teacherDisagreement: {
          teachers: ['teacher-a', 'teacher-b', 'teacher-c'],
          matrix: [
            [0, 0.2, 0.35],
            [0.2, 0, 0.1],
            [0.35, 0.1, 0],
          ],
        },
      });
      manifestJobs.push({
        key: jobKey,
        kind: 'student',
        status: 'ok',
        label: `${task}/${technique}/${student}/seed ${seed}`,
        wallTimeMs: 2000,
      });
      for (const split of ['test', 'ood']) {
        const exRng = new Rng(`${suite}:examples:${split}:${seed}`); // same prompts for every technique
        for (let i = 0; i < nEx; i++) {
          const sampled = sample(exRng, i);
          // Gold-side payloads depend on the example only (the same gold for every technique);
          // response payloads also on the technique. i % 4 === 2 echoes the gold, payload and all.
          const g = payloads.length ? payloads[i % payloads.length] : '';
          const p = payloads.length ? payloads[(i + ti) % payloads.length] : '';
          const reference =
            g && i % 4 === 0
              ? `${g}${sampled.reference}`
              : g && i % 4 === 2
                ? `${sampled.reference} ${g}`
                : sampled.reference;
          const correct = rng.next() < (split === 'ood' ? lv.acc - 0.15 : lv.acc);
          const response = p
            ? i % 4 === 2
              ? reference
              : i % 2
                ? p
                : `${sampled.reference} ${p}`
            : correct
              ? reference
              : corrupt(rng, reference);
          examples.push({
            jobKey,
            task,
            technique,
            student,
            seed,
            split,
            id: `${task}/${split}/${i}`,
            prompt: g && i % 3 === 0 ? `${sampled.prompt}${g}` : sampled.prompt,
            reference,
            response,
            teacherResponse: g && i % 5 === 0 ? g : i % 3 === 2 ? corrupt(exRng, reference) : reference,
            correct: p ? false : correct,
          });
        }
      }
    }
  });
  if (opts.failedJob ?? true) {
    manifestJobs.push({
      key: 'zz-failed',
      kind: 'student',
      status: 'failed',
      error: "training diverged at step 41: loss term 'kl' is NaN",
      label: `${task}/on-policy/${student}/seed ${seeds[0]}`,
    });
  }
  const manifest: Manifest = {
    schemaVersion: 1,
    harnessVersion: '0.1.0',
    gitSha: null,
    suite: { name: suite, hash: 'synthetic0000000', file: 'reports/testing/synthetic-run.ts' },
    backend: 'synthetic (no training)',
    environment: {
      synthetic: true,
      note: 'Generated by reports/testing/synthetic-run.ts: made-up numbers, no model was trained.',
    },
    seeds,
    metricSignatures: signatures,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:05:00.000Z',
    jobs: manifestJobs,
    warnings: [
      'SYNTHETIC FIXTURE: every number in this run is made up for report tests.',
      ...payloads.slice(0, 2),
    ],
  };
  return { manifest, results, jobs, examples };
}

/** Writes a RunDir in the on-disk layout of harness/runner/run-dir.ts. */
export function writeRunDir(dir: string, run: RunDir): void {
  mkdirSync(dir, { recursive: true });
  const lines = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(run.manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'results.jsonl'), lines(run.results));
  writeFileSync(join(dir, 'jobs.jsonl'), lines(run.jobs));
  writeFileSync(join(dir, 'examples.jsonl'), lines(run.examples));
}
