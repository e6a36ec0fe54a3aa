import calibration from './calibration.json' with { type: 'json' };
import { type JobWork, jobWork } from './job-work.ts';
import type { Job } from './plan.ts';

/** Cost per unit of work (job-work.ts), fitted to measured runs by bench/calibrate.ts. */
export interface CostConstants {
  jobMs: number;
  trainMsPerToken: number;
  trainMsPerParamToken: number;
  decodeMsPerToken: number;
  decodeMsPerParamToken: number;
}

export const CALIBRATION: CostConstants = calibration.constants;

/** A job's cost from its work: a fixed part (worker hand-off, data, metrics) plus each unit's cost. */
export function costMs(w: JobWork, c: CostConstants = CALIBRATION): number {
  return (
    c.jobMs +
    w.trainTokens * c.trainMsPerToken +
    w.trainParamTokens * c.trainMsPerParamToken +
    w.decodeTokens * c.decodeMsPerToken +
    w.decodeParamTokens * c.decodeMsPerParamToken
  );
}

/**
 * A job's expected wall time on one worker on the calibration machine: training, evaluation, teacher
 * answers and on-policy sampling from its sizes (job-work.ts). A cached teacher costs only its
 * reference scoring. Used by `run --dry-run` and as the prior of the progress ETA, which corrects it
 * by measured speed.
 */
export function estimateJobMs(j: Job, opts: { cachedTeacher?: boolean } = {}): number {
  return costMs(jobWork(j, opts));
}

/**
 * Remaining time: the estimates of the jobs not yet done, scaled by how much slower (or faster) the
 * finished ones ran than estimated, divided over the workers. Before any job finishes the running
 * jobs' elapsed time gives the scale once it exceeds their estimate, so the ETA never reads 0 s
 * while work remains.
 */
export function etaMs(s: {
  remainingEstimateMs: number;
  doneEstimateMs: number;
  doneActualMs: number;
  running: { estimateMs: number; elapsedMs: number }[];
  workers: number;
}): number {
  let scale = s.doneEstimateMs > 0 ? s.doneActualMs / s.doneEstimateMs : 1;
  for (const r of s.running)
    if (r.estimateMs > 0 && r.elapsedMs > r.estimateMs * scale) scale = r.elapsedMs / r.estimateMs;
  const runningLeft = s.running.reduce((a, r) => a + Math.max(0, r.estimateMs * scale - r.elapsedMs), 0);
  const queued = s.remainingEstimateMs - s.running.reduce((a, r) => a + r.estimateMs, 0);
  return (Math.max(0, queued) * scale + runningLeft) / Math.max(1, s.workers);
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(sec).padStart(2, '0')}s`
      : `${sec}s`;
}
