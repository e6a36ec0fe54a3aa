import { describe, expect, it } from 'vitest';
import { type ModelConfig, parameterCount } from '../../harness/models/config.ts';
import { costMs } from '../../harness/runner/estimate.ts';
import { jobWork } from '../../harness/runner/job-work.ts';
import { makespanMs } from '../../harness/runner/makespan.ts';
import type { StudentJob, TeacherJob } from '../../harness/runner/plan.ts';

// Two teachers, four students that need them and one (`none`-like) that needs none, in plan order.
const plan = [
  { key: 'T1', ms: 10, after: [] },
  { key: 'T2', ms: 20, after: [] },
  { key: 'S0', ms: 12, after: [] },
  { key: 'S1', ms: 5, after: ['T1'] },
  { key: 'S2', ms: 5, after: ['T1'] },
  { key: 'S3', ms: 5, after: ['T2'] },
  { key: 'S4', ms: 5, after: ['T2'] },
];

describe('makespan of the job graph (run.ts scheduling)', () => {
  it('two workers: hand-computed FIFO schedule, teachers before their students', () => {
    // t0: T1, T2 start; S0 queued. t10: S0 starts, S1 S2 queued. t20: T2 ends, S1 starts, S3 S4
    // queued. t22: S2. t25: S3. t27: S4, ends at 32 (the work bound is 62/2 = 31, the critical path 25).
    expect(makespanMs(plan, 2)).toBe(32);
  });

  it('one worker: the sum of the jobs', () => {
    expect(makespanMs(plan, 1)).toBe(62);
  });

  it('a finished teacher costs nothing and releases its students at once', () => {
    // Queue at t0: T1, S0, S3, S4. W1 T1 0-10, W2 S0 0-12, S3 10-15, S4 12-17, S1 15-20, S2 17-22.
    expect(makespanMs(plan, 2, new Set(['T2']))).toBe(22);
  });

  it('more workers than jobs: the critical path', () => {
    expect(makespanMs(plan, 8)).toBe(25);
  });
});

const config: ModelConfig = {
  vocabSize: 40,
  dModel: 8,
  layers: 1,
  heads: 2,
  dFF: 16,
  maxLen: 20,
  positions: 'learned',
} as ModelConfig;
const teacherConfig = { ...config, dModel: 16, dFF: 32 } as ModelConfig;
const evaluation = { splits: ['test', 'ood'] as ('test' | 'ood')[], maxExamples: 50, maxNewTokens: 10 };
const student = (technique: string, options: Record<string, unknown> = {}): StudentJob =>
  ({
    kind: 'student',
    key: technique,
    label: technique,
    taskId: 't',
    taskOptions: { testSize: 30, oodSize: 80 },
    seed: 1,
    technique: { id: technique, label: technique, options },
    student: { id: 's', config },
    teachers: technique === 'none' ? [] : [{ id: 'teacher', config: teacherConfig, training: {} }],
    teacherKeys: [],
    training: { steps: 100, batchSize: 4 },
    evaluation,
    metrics: undefined,
    pools: { teacher: 10, labelled: 10, transfer: 70, seed: 0 },
  }) as unknown as StudentJob;

describe('job work from sizes', () => {
  const ps = parameterCount(config);
  const pt = parameterCount(teacherConfig);
  // test: min(50, 30) = 30 examples, ood: min(50, 80) = 50; 10 tokens each.
  const evalTokens = 80 * 10;

  it('none: training slots steps x batch x context, evaluation decoding capped by split sizes', () => {
    const w = jobWork(student('none'));
    expect(w.trainTokens).toBe(100 * 4 * 20);
    expect(w.trainParamTokens).toBe(100 * 4 * 20 * ps);
    expect(w.decodeTokens).toBe(evalTokens);
    expect(w.decodeParamTokens).toBe(evalTokens * ps);
  });

  it('hard-label: the teacher answers the 70 transfer prompts with the technique maxNewTokens', () => {
    const w = jobWork(student('hard-label', { maxNewTokens: 6 }));
    expect(w.decodeTokens).toBe(evalTokens + 70 * 6);
    expect(w.decodeParamTokens).toBe(evalTokens * ps + 70 * 6 * pt);
  });

  it('on-policy: base plus on-policy training, lambda share of student samples, teacher forward', () => {
    const w = jobWork(student('on-policy', { lambda: 0.25, maxNewTokens: 6 }));
    const slots = 100 * 4 * 20;
    expect(w.trainTokens).toBeCloseTo(2 * slots + slots / 3, 6);
    expect(w.trainParamTokens).toBeCloseTo(2 * slots * ps + (slots / 3) * pt, 3);
    expect(w.decodeTokens).toBe(evalTokens + 0.25 * 100 * 4 * 6);
  });

  it('a cached teacher does only its reference scoring; a program teacher nothing', () => {
    const teacher = {
      kind: 'teacher',
      key: 'T',
      label: 'T',
      taskId: 't',
      taskOptions: { testSize: 30, oodSize: 80 },
      seed: 0,
      teacher: { id: 'teacher', config: teacherConfig, training: { steps: 50, batchSize: 2 } },
      evaluation,
    } as unknown as TeacherJob;
    expect(jobWork(teacher).trainTokens).toBe(50 * 2 * 20);
    expect(jobWork(teacher, { cachedTeacher: true })).toEqual({
      trainTokens: 0,
      trainParamTokens: 0,
      decodeTokens: evalTokens,
      decodeParamTokens: evalTokens * pt,
    });
    const program = { ...teacher, teacher: { ...teacher.teacher, kind: 'program' } } as TeacherJob;
    expect(jobWork(program).decodeTokens).toBe(0);
  });

  it('cost: fixed part plus each unit times its constant', () => {
    const w = { trainTokens: 10, trainParamTokens: 1000, decodeTokens: 4, decodeParamTokens: 400 };
    const c = {
      jobMs: 100,
      trainMsPerToken: 2,
      trainMsPerParamToken: 0.01,
      decodeMsPerToken: 5,
      decodeMsPerParamToken: 0.1,
    };
    // 100 + 20 + 10 + 20 + 40
    expect(costMs(w, c)).toBe(190);
  });
});
