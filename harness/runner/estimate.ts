import type { Job } from './plan.ts';

/**
 * A job's expected wall time on one worker, from its model size, batch, context and steps: ~6 FLOPs
 * per parameter per token at the wasm training throughput measured in BENCHMARKS.md (~13 GFLOP/s).
 * Used by `run --dry-run` and as the prior of the progress ETA, which corrects it by measured speed.
 */
export function estimateJobMs(j: Job): number {
  // A program or recorded teacher trains nothing; its scoring is negligible beside any training.
  if (j.kind === 'teacher' && j.teacher.kind) return 0;
  const cfg = j.kind === 'teacher' ? j.teacher.config : j.student.config;
  const steps = j.kind === 'teacher' ? j.teacher.training.steps : j.training.steps;
  const batch = j.kind === 'teacher' ? j.teacher.training.batchSize : j.training.batchSize;
  const params = cfg.layers * (4 * cfg.dModel ** 2 + 2 * cfg.dModel * cfg.dFF) + cfg.dModel * cfg.vocabSize;
  return (6 * params * batch * (cfg.maxLen / 2) * steps) / 13e6;
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
