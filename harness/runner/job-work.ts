import { parameterCount } from '../models/config.ts';
import type { Job, StudentJob } from './plan.ts';

/**
 * The work one job does, in units whose cost per unit is measured (harness/runner/calibration.json,
 * written by bench/calibrate.ts): token slots through a training step (batch × context, forward and
 * backward) and tokens decoded greedily, each also weighted by the parameter count that processes
 * them, since at these sizes a kernel's fixed cost is as large as its per-parameter cost.
 */
export interface JobWork {
  /** Training token slots (steps × batch × context). */
  trainTokens: number;
  /** The same, each times the parameter count of the model trained (or forwarded, weighted 1/3). */
  trainParamTokens: number;
  /** Decoded tokens: evaluation, teacher responses to transfer prompts, on-policy student samples. */
  decodeTokens: number;
  decodeParamTokens: number;
}

export const NO_WORK: JobWork = {
  trainTokens: 0,
  trainParamTokens: 0,
  decodeTokens: 0,
  decodeParamTokens: 0,
};

/** Sizes the plan does not carry but the data generator does (task options, defaults as in the tasks). */
interface TaskSizes {
  trainSize?: number;
  testSize?: number;
  oodSize?: number;
}

/**
 * How a technique spends work beyond one training run and the evaluation; a technique not listed
 * trains once and, when it has teachers, has each of them answer the transfer prompts (the common
 * case: hard-label, soft-label, multi-teacher, the purification routers, weak-to-strong).
 */
const PROFILES = new Map<string, { passes?: number; teacherAnswers?: boolean; onPolicy?: boolean }>([
  ['none', { teacherAnswers: false }],
  // GKD (harness/techniques/on-policy.ts): the `none` base student first, then its own samples on a
  // lambda share of the steps and a teacher forward on every step.
  ['on-policy', { passes: 2, teacherAnswers: false, onPolicy: true }],
  // Student and peer train together (harness/techniques/co-distillation.ts).
  ['co-distillation', { passes: 2, teacherAnswers: false }],
]);

export function jobWork(j: Job, opts: { cachedTeacher?: boolean } = {}): JobWork {
  const w = { ...NO_WORK };
  const sizes = (j.taskOptions ?? {}) as TaskSizes;
  if (j.kind === 'teacher') {
    if (j.teacher.kind) return w; // program or recorded: trains nothing
    const p = parameterCount(j.teacher.config);
    if (!opts.cachedTeacher) {
      const t = j.teacher.training;
      addTrain(w, t.steps * t.batchSize * j.teacher.config.maxLen, p);
    }
    // Reference rows (suites with pools): the teacher is scored like a student.
    if (j.evaluation) addDecode(w, evalTokens(j.evaluation, sizes), p);
    return w;
  }
  const { evaluation } = j;
  const s = j.student.config;
  const ps = parameterCount(s);
  const profile = (j.role === 'oracle' ? undefined : PROFILES.get(j.technique.id)) ?? {};
  const { steps, batchSize } = j.training;
  const slots = steps * batchSize * s.maxLen;
  addTrain(w, slots * (profile.passes ?? 1), ps);
  addDecode(w, evalTokens(evaluation, sizes), ps);
  const opt = (j.technique.options ?? {}) as { maxNewTokens?: number; lambda?: number };
  const newTokens = opt.maxNewTokens ?? evaluation.maxNewTokens;
  const trained = j.teachers.filter((t) => !t.kind);
  if (j.role !== 'oracle' && (profile.teacherAnswers ?? j.teachers.length > 0))
    for (const t of trained) addDecode(w, transferCount(j, sizes) * newTokens, parameterCount(t.config));
  if (profile.onPolicy) {
    const share = opt.lambda ?? 0.5;
    addDecode(w, share * steps * batchSize * newTokens, ps);
    // The teacher scores every step's batch: a forward pass, about a third of a training step.
    for (const t of trained) addTrain(w, slots / 3, parameterCount(t.config));
  }
  return w;
}

function addTrain(w: JobWork, tokens: number, params: number): void {
  w.trainTokens += tokens;
  w.trainParamTokens += tokens * params;
}

function addDecode(w: JobWork, tokens: number, params: number): void {
  w.decodeTokens += tokens;
  w.decodeParamTokens += tokens * params;
}

function evalTokens(e: NonNullable<StudentJob['evaluation']>, sizes: TaskSizes): number {
  const splitSize = (s: string) => (s === 'test' ? sizes.testSize : s === 'ood' ? sizes.oodSize : undefined);
  const examples = e.splits.reduce((a, s) => a + Math.min(e.maxExamples, splitSize(s) ?? e.maxExamples), 0);
  return examples * e.maxNewTokens;
}

/** The prompts a teacher answers: the transfer pool, or the train split of a suite without pools. */
function transferCount(j: StudentJob, sizes: TaskSizes): number {
  return j.pools ? j.pools.transfer : (sizes.trainSize ?? 0);
}
