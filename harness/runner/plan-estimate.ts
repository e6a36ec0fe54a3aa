import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { teacherCacheDir } from '../techniques/teachers.ts';
import { asciiTokenizer } from '../text/tokenizer.ts';
import calibration from './calibration.json' with { type: 'json' };
import { estimateJobMs } from './estimate.ts';
import { makespanMs } from './makespan.ts';
import type { Job } from './plan.ts';

export interface PlanEstimate {
  /** Each job's estimated wall time on one worker (0: finished earlier). */
  jobMs: Map<string, number>;
  /** Teachers already in the cache: only their reference scoring is left. */
  cachedTeachers: Set<string>;
  /** The sum of the job estimates: the run's time on one worker. */
  workMs: number;
  /** The run's wall time on `workers` workers: the jobs packed as run.ts schedules them, plus start-up. */
  wallMs: number;
  workers: number;
}

/**
 * The estimate `run --dry-run` prints: per-job times from their sizes (estimate.ts), then the run's
 * wall time from scheduling them on the workers the run would start (teachers before their students).
 */
export function estimatePlan(
  jobs: Job[],
  opts: { finished: Set<string>; workers: number; cacheDir?: string },
): PlanEstimate {
  const cachedTeachers = new Set<string>();
  const jobMs = new Map<string, number>();
  for (const j of jobs) {
    const cached = j.kind === 'teacher' && opts.cacheDir !== undefined && isCached(j, opts.cacheDir);
    if (cached) cachedTeachers.add(j.key);
    jobMs.set(j.key, opts.finished.has(j.key) ? 0 : estimateJobMs(j, { cachedTeacher: cached }));
  }
  const todo = jobs.filter((j) => !opts.finished.has(j.key));
  // As run.ts: no more workers than jobs left.
  const workers = Math.max(1, Math.min(opts.workers, todo.length));
  const schedule = todo.map((j) => ({
    key: j.key,
    ms: jobMs.get(j.key)!,
    after: j.kind === 'student' ? j.teacherKeys : [],
  }));
  const startMs = todo.length ? calibration.run.startMs : 0;
  return {
    jobMs,
    cachedTeachers,
    workMs: [...jobMs.values()].reduce((a, b) => a + b, 0),
    wallMs: startMs + makespanMs(schedule, workers, opts.finished),
    workers,
  };
}

function isCached(j: Extract<Job, { kind: 'teacher' }>, cacheDir: string): boolean {
  if (j.teacher.kind === 'program') return false;
  const { dir } = teacherCacheDir({
    spec: j.teacher,
    taskId: j.taskId,
    taskOptions: j.taskOptions,
    seed: j.pools?.seed ?? j.seed,
    pools: j.pools,
    cacheDir,
    tokenizer: asciiTokenizer(),
  });
  return existsSync(join(dir, 'model.json'));
}
