import { contentHash } from '../hash.ts';
import { taskRegistry } from '../tasks/index.ts';
import { pooledTaskOptions, splitPools } from '../tasks/pools.ts';
import type { Example, TaskData, TaskDefinition, TransferPrompt } from '../tasks/types.ts';
import { makeContext } from '../techniques/context.ts';
import { techniqueRegistry } from '../techniques/index.ts';
import { obtainTeacher, type Teacher } from '../techniques/teachers.ts';
import type { TechniqueResult } from '../techniques/types.ts';
import { asciiTokenizer } from '../text/tokenizer.ts';
import { sampleHistory } from '../training/curve-trace.ts';
import { lossTail, lossTailWarning } from '../training/loss-tail.ts';
import { evaluateStudent, jobRows } from './evaluate.ts';
import type { Job, StudentJob, TeacherJob } from './plan.ts';
import type { Progress } from './pool.ts';
import { recordedCoverage } from './recorded-teachers.ts';
import { referenceTechnique } from './reference-rows.ts';
import type { JobOutput } from './results.ts';
import { SCHEMA_VERSION } from './run-dir.ts';
import { teacherReference } from './teacher-job.ts';
import { obtainTeacherOnce } from './teacher-once.ts';

const dataMemo = new Map<string, TaskData>();

/** The student's gold: its own profile's data where the task gives students one (identity cards). */
export function studentGold(
  task: TaskDefinition,
  options: unknown,
  data: TaskData,
  teachers: readonly { profile?: string }[],
): Example[] {
  const own = task.studentProfile?.(
    options,
    teachers.map((t) => t.profile),
  );
  return (own && data.profiles?.[own]) || data.splits.train;
}

/** Task data is a pure function of (task, options, seed): generate once per worker process. */
export function taskData(taskId: string, options: unknown, seed: number): TaskData {
  const key = contentHash({ taskId, options, seed });
  let data = dataMemo.get(key);
  if (!data) {
    data = taskRegistry.get(taskId).generate(options, seed);
    dataMemo.set(key, data);
  }
  return data;
}

interface JobData {
  data: TaskData;
  labelled: TaskData['splits']['train'];
  transfer: TransferPrompt[];
  teacherPool: TaskData['splits']['train'];
  /** Gold for `transfer`; only a strong-ceiling reference may see it (ceilingUsesTransferGold). */
  transferGold: TaskData['splits']['train'];
}

/**
 * What one job trains and evaluates on: pools when the suite sets `data:`, else the shared train split;
 * with a `missing: skip` recorded teacher, only the prompts it answers (docs/data-pools.md).
 */
export function jobData(job: Job): JobData {
  const d = poolData(job);
  const keep = job.kind === 'student' ? recordedCoverage(job.recorded) : undefined;
  if (!keep) return d;
  const train = d.data.splits.train.filter(keep);
  return {
    ...d,
    data: { ...d.data, splits: { ...d.data.splits, train } },
    labelled: d.labelled.filter(keep),
    transfer: d.transfer.filter(keep),
    transferGold: d.transferGold.filter(keep),
  };
}

function poolData(job: Job): JobData {
  if (!job.pools) {
    const data = taskData(job.taskId, job.taskOptions, job.seed);
    return {
      data,
      labelled: data.splits.train,
      transfer: [],
      teacherPool: data.splits.train,
      transferGold: [],
    };
  }
  const generated = taskData(job.taskId, pooledTaskOptions(job.taskOptions, job.pools), job.pools.seed);
  const p = splitPools(generated, job.pools, job.seed);
  if (job.kind === 'student' && job.role === 'oracle') {
    // The oracle: what gold labels on the transfer prompts would buy (the runner's, never a technique's).
    const labelled = [...p.labelled, ...p.transferGold];
    return {
      data: { ...p.data, splits: { ...p.data.splits, train: labelled } },
      labelled,
      transfer: [],
      teacherPool: p.teacher,
      transferGold: [],
    };
  }
  return {
    data: p.data,
    labelled: p.labelled,
    transfer: p.transfer,
    teacherPool: p.teacher,
    transferGold: p.transferGold,
  };
}

export interface ExecuteEnv {
  cacheDir: string;
  progress?: (p: Progress) => void;
  log?: { info(m: string): void; warn(m: string): void };
  /** A line while the job waits for another process training its teacher (default: stderr). */
  onWait?: (line: string) => void;
}

const quiet = { info: () => {}, warn: () => {} };

const toStderr = (line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}\n`);

async function teacher(
  job: TeacherJob | StudentJob,
  spec: TeacherJob['teacher'],
  env: ExecuteEnv,
): Promise<{ teacher: Teacher; lockWaitMs: number }> {
  const { data, teacherPool } = jobData(job);
  // A program or recorded teacher trains on nothing.
  const trainData = spec.kind ? [] : spec.profile ? data.profiles?.[spec.profile] : teacherPool;
  if (!trainData) throw new Error(`task '${job.taskId}' has no data for profile '${spec.profile}'`);
  const args = {
    spec,
    taskId: job.taskId,
    taskOptions: job.taskOptions,
    trainData,
    tokenizer: asciiTokenizer(),
    seed: job.pools?.seed ?? job.seed,
    pools: job.pools,
    cacheDir: env.cacheDir,
    log: env.log ?? quiet,
  };
  if (spec.kind) return { teacher: await obtainTeacher(args), lockWaitMs: 0 };
  return obtainTeacherOnce(args, (line, waitedMs) => {
    (env.onWait ?? toStderr)(`${job.label}: ${line}`);
    env.progress?.({ phase: `waiting for teacher ${spec.id}`, step: Math.round(waitedMs / 1000), steps: 0 });
  });
}

/** Runs one job in this process and returns everything it produced. */
export async function executeJob(job: Job, env: ExecuteEnv): Promise<JobOutput> {
  const t0 = performance.now();
  const base = { schemaVersion: SCHEMA_VERSION, jobKey: job.key, task: job.taskId, seed: job.seed };
  if (job.kind === 'teacher') {
    env.progress?.({
      phase: 'teacher',
      step: 0,
      steps: job.teacher.kind ? 0 : job.teacher.training.steps,
    });
    const { teacher: handle, lockWaitMs } = await teacher(job, job.teacher, env);
    let reference: Awaited<ReturnType<typeof teacherReference>>;
    try {
      reference = await teacherReference(job, handle, jobData(job).data, base);
    } finally {
      handle.dispose();
    }
    const cost = {
      wallTimeMs: Math.round(performance.now() - t0),
      cacheHit: handle.fromCache,
      optimizerSteps: handle.fromCache || !handle.model ? 0 : job.teacher.training.steps,
      // Time spent waiting for another process (a shard on the same cache) that was training it.
      lockWaitMs,
    };
    return {
      record: { ...base, kind: 'teacher', technique: '-', student: job.teacher.id, status: 'ok', cost },
      ...reference,
    };
  }
  // One at a time, in suite order: each may train, and the cache log reads in that order.
  const teachers: Teacher[] = [];
  for (const spec of job.teachers) teachers.push((await teacher(job, spec, env)).teacher);
  const def = techniqueRegistry.get(job.technique.id);
  const task = taskRegistry.get(job.taskId);
  const { data, labelled, transfer, transferGold } = jobData(job);
  const ctx = makeContext({
    ...(def.ceilingUsesTransferGold && transferGold.length > 0
      ? { transferGoldForCeiling: () => transferGold }
      : {}),
    task,
    taskOptions: job.taskOptions,
    data,
    labelled: job.pools ? labelled : studentGold(task, job.taskOptions, data, job.teachers),
    transfer,
    tokenizer: asciiTokenizer(),
    teachers,
    studentConfig: job.student.config,
    training: job.training,
    seed: job.seed,
    log: env.log ?? quiet,
    cacheDir: env.cacheDir,
  });
  try {
    const result = await def.train(ctx, job.technique.options);
    env.progress?.({ phase: 'evaluate', step: job.training.steps, steps: job.training.steps });
    const evaluation = await evaluateStudent({
      job,
      task,
      data,
      student: result.student,
      teachers,
      supervision: result.supervision,
    });
    const { curve, trace } = sampleHistory(result.history);
    result.student.dispose();
    // Did training converge? The tail slope goes in the cost columns, a fast fall is a warning.
    const tail = lossTail(curve);
    const warnings = [...(result.cost.warnings ?? [])];
    // The runner prints it when the job ends (harness/runner/run.ts) and copies it to the manifest.
    if (tail?.fallingFast) warnings.push(lossTailWarning(tail));
    const names = { technique: job.technique.label, student: job.student.id };
    const referenceRows = await scoreReferences(job, result.references ?? [], { task, data, teachers }, base);
    const rows = jobRows(base, names, evaluation, job.role);
    return {
      record: {
        ...base,
        ...names,
        kind: 'student',
        status: 'ok',
        cost: { ...result.cost, warnings, ...(tail ? { lossTailSlope: tail.slopePer100 } : {}) },
        curve,
        trace,
        teacherDisagreement: evaluation.teacherDisagreement,
      },
      results: [...rows.results, ...referenceRows],
      examples: rows.examples,
    };
  } finally {
    for (const t of teachers) t.dispose();
  }
}

/**
 * Scores a technique's extra reference students (weak supervisor, strong ceiling, co-distillation
 * peer) like students and returns their rows, tagged with the role; their examples are not kept.
 */
async function scoreReferences(
  job: StudentJob,
  refs: NonNullable<TechniqueResult['references']>,
  env: { task: TaskDefinition; data: TaskData; teachers: Teacher[] },
  base: { schemaVersion: number; jobKey: string; task: string; seed: number },
): Promise<JobOutput['results']> {
  const rows: JobOutput['results'] = [];
  for (const ref of refs) {
    try {
      const ev = await evaluateStudent({
        job,
        task: env.task,
        data: env.data,
        student: ref.student,
        teachers: env.teachers,
      });
      const names = { technique: referenceTechnique(job.technique.label, ref.role), student: job.student.id };
      rows.push(...jobRows(base, names, ev, ref.role).results);
    } finally {
      ref.student.dispose();
    }
  }
  return rows;
}
