import { directionOf } from '../../metrics/index.ts';
import { taskRegistry } from '../tasks/index.ts';
import type { Teacher } from '../techniques/teachers.ts';
import { coversAll, evaluateStudent, jobRows } from './evaluate.ts';
import type { StudentJob, TeacherJob } from './plan.ts';
import type { JobOutput } from './results.ts';
import type { ResultRow } from './run-dir.ts';

/** How a floor miss starts its message: the runner reads it to skip the teacher's students. */
export const FLOOR_MISS = 'missed its quality floor';

/**
 * Scores a teacher of a suite with pools like a student (same splits and metrics), as the reference
 * rows `role: 'teacher'` (docs/data-pools.md), then checks `minQuality` on the test split. A program
 * or recorded teacher is scored the same way on its responses.
 */
export async function teacherReference(
  job: TeacherJob,
  handle: Teacher,
  data: Parameters<typeof evaluateStudent>[0]['data'],
  base: Pick<ResultRow, 'schemaVersion' | 'jobKey' | 'task' | 'seed'>,
): Promise<Pick<JobOutput, 'results' | 'examples'>> {
  if (!job.evaluation) return { results: [], examples: [] };
  const task = taskRegistry.get(job.taskId);
  const asStudent = { ...job, kind: 'student', metrics: job.metrics } as unknown as StudentJob;
  // A recorded teacher is scored only on the splits its file covers (suite load warns of the rest).
  const splits = job.evaluation.splits.filter((s) =>
    coversAll(
      handle,
      data.splits[s].slice(0, job.evaluation!.maxExamples).map((e) => e.prompt),
    ),
  );
  if (splits.length === 0) {
    checkFloor(job, []);
    return { results: [], examples: [] };
  }
  const evaluation = await evaluateStudent({
    job: { ...asStudent, evaluation: { ...job.evaluation, splits } },
    task,
    data,
    // A program teacher has no network: it is scored on its exact responses.
    student: handle.model ?? handle,
    teachers: [],
  });
  const names = { technique: 'teacher', student: job.teacher.id };
  const { results, examples } = jobRows(base, names, evaluation, 'teacher');
  checkFloor(job, results);
  return { results, examples };
}

/** Throws naming teacher, measured value, floor and fix when a test metric is on the wrong side of it. */
export function checkFloor(job: TeacherJob, results: Pick<ResultRow, 'split' | 'metric' | 'value'>[]): void {
  for (const [metric, floor] of Object.entries(job.minQuality ?? {})) {
    const row = results.find((r) => r.split === 'test' && r.metric === metric);
    if (!row)
      throw new Error(
        `teacher '${job.teacher.id}' on '${job.taskId}': metric '${metric}' was not measured on the test split, so its floor cannot be checked. Fix: keep 'test' in evaluation.splits and '${metric}' in metrics.`,
      );
    const higher = directionOf(metric) === 'higher';
    if (higher ? row.value >= floor : row.value <= floor) continue;
    throw new Error(
      `teacher '${job.teacher.id}' on '${job.taskId}' ${FLOOR_MISS}: ${metric} on test = ${row.value.toFixed(4)}, ` +
        `floor ${higher ? '>=' : '<='} ${floor}. Fix: raise teachers[].training.steps, use a bigger ` +
        `teachers[].model preset, or enlarge data.teacher.`,
    );
  }
}
