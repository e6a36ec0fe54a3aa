/**
 * A run dir the size of suites/default.yaml for the browser tests: its two tasks, eight techniques
 * (default's four plus four more, so the tables are wider than default's), 5 seeds, the teacher and
 * oracle reference rows, and every metric column a real default run writes (the task's metrics,
 * teacher-relative rse / cka / conflict-supervision for techniques with a teacher, diversity on the
 * test split: harness/runner/evaluate.ts defaultMetrics and harness/runner/evaluators.ts). Numbers are
 * made up from a seeded Rng (deterministic), signatures and directions come from the metric registry.
 */
import { Rng } from '../../harness/engine/rng.ts';
import type { ExampleRow, JobRecord, Manifest, ResultRow, RunDir } from '../../harness/runner/run-dir.ts';
import { metricRegistry } from '../../metrics/index.ts';

export const DEFAULT_TASKS = ['arithmetic-rationales', 'phonetic-transcription'] as const;
export const DEFAULT_TECHNIQUES = [
  'none',
  'hard-label',
  'soft-label',
  'on-policy',
  'co-distillation',
  'conversational',
  'reverse-kd',
  'label-smoothing',
];
export const DEFAULT_SEEDS = [1, 2, 3, 4, 5];
const SPLITS = ['test', 'ood'];

/** Per task, its own metrics (harness/tasks/*.ts `metrics`) with a level for `none` and a step per technique. */
const TASK_METRICS: Record<
  string,
  Record<string, { none: number; step: number; oracle: number; teacher: number }>
> = {
  'arithmetic-rationales': {
    // Near 0, as measured (README: none 0.047): CIs reach the range's floor and are clamped there.
    accuracy: { none: 0.04, step: 0.01, oracle: 0.12, teacher: 0.78 },
    'gold-nll': { none: 1.9, step: -0.17, oracle: 0.58, teacher: 0.13 },
  },
  'phonetic-transcription': {
    wer: { none: 0.98, step: -0.03, oracle: 0.78, teacher: 0.75 },
    cer: { none: 0.62, step: -0.02, oracle: 0.5, teacher: 0.49 },
    'gold-nll': { none: 4.76, step: -0.38, oracle: 1.72, teacher: 2.88 },
  },
};

/** Teacher-relative metrics (techniques with a teacher) and diversity: [base, step per technique]. */
const RELATIVE: Record<string, [number, number]> = {
  'rse-proxy': [2.2, 0.15],
  'rse-rougeL': [0.35, 0.04],
  'rse-chrf': [30, 3],
  'rse-bleu': [12, 2.5],
  'rse-top1': [0.45, 0.03],
  'rse-jsd': [0.45, -0.03],
  cka: [0.4, 0.04],
  'cka-debiased': [0.2, 0.03],
};
const TEST_ONLY: Record<string, [number, number]> = {
  'conflict-supervision': [0.3, -0.02],
};
const DIVERSITY: Record<string, [number, number]> = {
  'distinct-1': [0.3, 0.02],
  'distinct-2': [0.45, 0.03],
  'self-bleu': [40, -2],
};

const signature = (metric: string) => metricRegistry.get(metric).signature;

interface RowOwner {
  task: string;
  technique: string;
  student: string;
  seed: number;
  jobKey: string;
  role?: 'teacher' | 'oracle';
}

export function defaultSizedRun(): RunDir {
  const results: ResultRow[] = [];
  const jobs: JobRecord[] = [];
  const examples: ExampleRow[] = [];
  const manifestJobs: Manifest['jobs'] = [];
  const push = (o: RowOwner, split: string, metric: string, value: number) =>
    results.push({
      schemaVersion: 1,
      jobKey: o.jobKey,
      task: o.task,
      technique: o.technique,
      student: o.student,
      seed: o.seed,
      split,
      metric,
      value: +Math.max(0, value).toFixed(6),
      signature: signature(metric),
      direction: metricRegistry.get(metric).direction,
      ...(o.role ? { role: o.role } : {}),
    });
  const rowsOf = (o: RowOwner, level: (m: string, l: (typeof TASK_METRICS)[string][string]) => number) => {
    const rng = new Rng(`default-sized:${o.jobKey}`);
    const noise = (scale: number) => (rng.next() - 0.5) * 2 * scale;
    const ti = DEFAULT_TECHNIQUES.indexOf(o.technique);
    const withTeacher = ti > 0;
    for (const split of SPLITS) {
      const ood = split === 'ood';
      for (const [metric, l] of Object.entries(TASK_METRICS[o.task])) {
        const v = level(metric, l);
        const worse = metricRegistry.get(metric).direction === 'higher' ? -1 : 1;
        push(o, split, metric, v * (ood ? 1 + 0.35 * worse : 1) + noise(Math.abs(v) * 0.06 + 0.005));
      }
      const sets = [
        ...(withTeacher ? [RELATIVE] : []),
        ...(withTeacher && !ood ? [TEST_ONLY] : []),
        ...(ood ? [] : [DIVERSITY]),
      ];
      for (const set of sets)
        for (const [metric, [base, step]] of Object.entries(set))
          push(o, split, metric, base + step * Math.max(ti, 0) + noise(Math.abs(base) * 0.05));
    }
    const arithmetic = o.task === 'arithmetic-rationales';
    for (const split of SPLITS)
      for (let i = 0; i < 4; i++) {
        const reference = arithmetic ? `${i + 2} + ${i} is ${2 * i + 2}` : `W ER D ${i}`;
        const response =
          rng.next() < 0.4 ? reference : arithmetic ? `${i + 2} + ${i} is ${i}` : `W AH D ${i}`;
        examples.push({
          ...identity(o),
          split,
          id: `${o.task}/${split}/${i}`,
          prompt: arithmetic ? `${i + 2}+${i}=` : `say: word${i}`,
          reference,
          response,
          correct: response === reference,
        });
      }
    return rng;
  };
  for (const task of DEFAULT_TASKS) {
    const short = task.split('-')[0];
    const teacher: RowOwner = {
      task,
      technique: 'teacher',
      student: 'teacher',
      seed: 1,
      jobKey: `${short}-teacher`,
      role: 'teacher',
    };
    rowsOf(teacher, (_, l) => l.teacher);
    jobs.push({
      schemaVersion: 1,
      ...identity(teacher),
      kind: 'teacher',
      status: 'ok',
      cost: { wallTimeMs: 90_000 },
    });
    manifestJobs.push({
      key: teacher.jobKey,
      kind: 'teacher',
      status: 'ok',
      label: `teacher ${task}/teacher`,
      wallTimeMs: 90_000,
    });
    for (const technique of [...DEFAULT_TECHNIQUES, 'oracle']) {
      for (const seed of DEFAULT_SEEDS) {
        const ti = DEFAULT_TECHNIQUES.indexOf(technique);
        const o: RowOwner = {
          task,
          technique,
          student: 'nano',
          seed,
          jobKey: `${short}-${technique}-s${seed}`,
          ...(technique === 'oracle' ? { role: 'oracle' as const } : {}),
        };
        const rng = rowsOf(o, (_, l) => (ti < 0 ? l.oracle : l.none + l.step * ti));
        const wallTimeMs = 20_000 + 4_000 * Math.max(ti, 0) + Math.round(1000 * rng.next());
        const curve: [number, number][] = Array.from({ length: 30 }, (_, k) => [
          k * 10,
          +(3.5 * Math.exp(-k / (5 + Math.max(ti, 0))) + 0.6 + 0.05 * rng.next()).toFixed(5),
        ]);
        jobs.push({
          schemaVersion: 1,
          ...identity(o),
          kind: 'student',
          status: 'ok',
          cost: {
            optimizerSteps: 300,
            studentTokens: 96_000,
            teacherForwardTokens: ti > 0 ? 20_000 * ti : 0,
            teacherGenerations: ti > 0 ? 600 : 0,
            trainableParameters: 33_348,
            trainablePctOfTeacher: 28.8,
            wallTimeMs,
            peakRssMB: 300 + 5 * Math.max(ti, 0),
            lossTailSlope: -0.0004 * rng.next(),
          },
          curve,
          trace: traceOf(curve, ti, seed),
        });
        manifestJobs.push({
          key: o.jobKey,
          kind: 'student',
          status: 'ok',
          label: `${task}/${technique}/nano/seed ${seed}`,
          wallTimeMs,
        });
      }
    }
  }
  const manifest: Manifest = {
    schemaVersion: 1,
    harnessVersion: '0.1.0',
    gitSha: null,
    suite: { name: 'default-sized', hash: 'synthetic0000001', file: 'reports/testing/default-run.ts' },
    backend: 'synthetic (no training)',
    environment: {
      synthetic: true,
      note: 'Generated by reports/testing/default-run.ts: made-up numbers, no model was trained.',
    },
    seeds: DEFAULT_SEEDS,
    metricSignatures: Object.fromEntries(
      [...new Set(results.map((r) => r.metric))].map((m) => [m, signature(m)]),
    ),
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:07:15.000Z',
    jobs: manifestJobs,
    warnings: ['SYNTHETIC FIXTURE: every number in this run is made up for report tests.'],
  };
  return { manifest, results, jobs, examples };
}

/**
 * Per-term detail for a job's curve (jobs.jsonl `trace`): `none` and `oracle` log ce only, the
 * others ce and kd (60/40 of the total); warm-up + cosine LR; a gradient norm that falls with the
 * loss and differs by seed, so bands have width.
 */
function traceOf(curve: [number, number][], ti: number, seed: number): JobRecord['trace'] {
  const total = curve.map((p) => p[1]);
  const two = ti > 0;
  const lr = curve.map(
    ([step]) =>
      +(
        step < 20 ? (3e-3 * (step + 1)) / 20 : 3e-4 + 2.7e-3 * 0.5 * (1 + Math.cos((Math.PI * step) / 300))
      ).toPrecision(6),
  );
  return {
    lr,
    terms: two
      ? { total, ce: total.map((v) => +(0.6 * v).toFixed(5)), kd: total.map((v) => +(0.4 * v).toFixed(5)) }
      : { total, ce: total },
    gradNorm: total.map((v) => +(v * (0.8 + 0.05 * seed)).toPrecision(6)),
  };
}

function identity(o: RowOwner) {
  return { jobKey: o.jobKey, task: o.task, technique: o.technique, student: o.student, seed: o.seed };
}
