import { contentHash } from '../hash.ts';
import { MODEL_PRESETS, type ModelConfig, validateModelConfig } from '../models/config.ts';
import type { PoolSpec } from '../tasks/pools.ts';
import type { TeacherSpec } from '../techniques/teachers.ts';
import { asciiTokenizer } from '../text/tokenizer.ts';
import type { TrainingOptions } from '../training/optimizer.ts';
import { HARNESS_VERSION } from '../version.ts';
import { DEFAULT_TEACHER_MODEL, type ModelSpec } from './suite-schema.ts';
import type { LoadedSuite, TechniqueRef } from './suite-types.ts';

/** Everything a worker needs to run one job; its key hashes all of it (plus backend and version). */
export interface TeacherJob {
  kind: 'teacher';
  key: string;
  label: string;
  taskId: string;
  taskOptions: unknown;
  seed: number;
  teacher: TeacherSpec;
  /** Pools of a suite with `data:` (the teacher trains on `teacher`); absent: the shared train split. */
  pools?: PoolSpec;
  /** Floor on test metrics (suite `teachers[].minQuality`); under it the job fails. */
  minQuality?: Record<string, number>;
  /** Scoring of the teacher's reference rows (suites with `data:`). */
  evaluation?: LoadedSuite['suite']['evaluation'];
  metrics?: string[];
}

export interface StudentJob {
  kind: 'student';
  key: string;
  label: string;
  taskId: string;
  taskOptions: unknown;
  seed: number;
  technique: TechniqueRef;
  student: { id: string; config: ModelConfig };
  teachers: TeacherSpec[];
  teacherKeys: string[];
  training: TrainingOptions;
  evaluation: LoadedSuite['suite']['evaluation'];
  metrics: string[] | undefined;
  pools?: PoolSpec;
  /** 'oracle': the `none` recipe with gold on labelled + transfer (a reference row, not a technique). */
  role?: 'oracle';
  /** The task's recorded teachers when one has `missing: skip`: pools keep only prompts they all answer. */
  recorded?: { file: string; sha256: string }[];
}

export type Job = TeacherJob | StudentJob;

export interface Plan {
  teachers: TeacherJob[];
  students: StudentJob[];
}

export function resolveModel(spec: ModelSpec, maxLen: number, field: string): ModelConfig {
  const vocabSize = asciiTokenizer().vocabSize;
  const base =
    typeof spec === 'string' ? MODEL_PRESETS[spec] : { ...MODEL_PRESETS[spec.preset ?? 'tiny'], ...spec };
  const { preset: _drop, ...rest } = base as Record<string, unknown>;
  return validateModelConfig({ positions: 'learned', ...rest, vocabSize, maxLen }, field);
}

/** The model context: the task's longest example (prompt + response) plus BOS, SEP and EOS. */
export function contextLength(taskOptions: unknown): number {
  const max = (taskOptions as { maxLength?: number }).maxLength ?? 90;
  return max + 3;
}

/** Expands a suite into teacher jobs and student jobs (technique × student × seed per task). */
export function planSuite(loaded: LoadedSuite, backend: string): Plan {
  const { suite } = loaded;
  const plan: Plan = { teachers: [], students: [] };
  suite.tasks.forEach((task, ti) => {
    const taskOptions = loaded.taskOptions[ti];
    const maxLen = contextLength(taskOptions);
    const teacherSpecs: TeacherSpec[] = (task.teachers ?? suite.teachers).map((t, j) => ({
      id: t.id,
      profile: t.profile,
      // A program teacher trains nothing; config and training stay the defaults and are unused.
      ...(t.kind === 'program' ? { kind: 'program' as const } : {}),
      // A recorded teacher is its file: the content hash is in every job key that uses it.
      ...(t.kind === 'responses'
        ? { kind: 'responses' as const, file: t.file, sha256: t.sha256, missing: t.missing ?? 'error' }
        : {}),
      config: resolveModel(t.model ?? DEFAULT_TEACHER_MODEL, maxLen, `teachers[${j}].model`),
      training: { ...suite.training, ...t.training },
    }));
    const pools: PoolSpec | undefined = suite.data;
    const recordedSpecs = teacherSpecs.filter((t) => t.kind === 'responses');
    const recorded = recordedSpecs.some((t) => t.missing === 'skip')
      ? recordedSpecs.map((t) => ({ file: t.file!, sha256: t.sha256! }))
      : undefined;
    const teachersOf = (task.teachers ?? suite.teachers).map((t) => t.minQuality);
    const teacherJob = (seed: number) =>
      teacherSpecs.map((spec, j) => {
        const key = contentHash({
          kind: 'teacher',
          task: task.id,
          taskOptions,
          spec,
          seed,
          backend,
          v: HARNESS_VERSION,
          ...(pools ? { pools, minQuality: teachersOf[j] ?? null, evaluation: suite.evaluation } : {}),
        });
        const label = pools ? `teacher ${task.id}/${spec.id}` : `teacher ${task.id}/${spec.id}/seed ${seed}`;
        plan.teachers.push({
          kind: 'teacher',
          key,
          label,
          taskId: task.id,
          taskOptions,
          seed,
          teacher: spec,
          ...(pools
            ? { pools, minQuality: teachersOf[j], evaluation: suite.evaluation, metrics: suite.metrics }
            : {}),
        });
        return key;
      });
    // With pools one teacher per task, trained on the teacher pool with the data seed, serves every seed.
    const shared = pools ? teacherJob(pools.seed) : undefined;
    for (const seed of suite.seeds) {
      const teacherKeys = shared ?? teacherJob(seed);
      for (const [si, s] of suite.students.entries()) {
        const student = { id: s.id, config: resolveModel(s.model, maxLen, `students[${si}].model`) };
        const oracle: (TechniqueRef & { role?: 'oracle' })[] = pools
          ? [{ id: 'none', label: 'oracle', options: {}, role: 'oracle' }]
          : [];
        for (const technique of [...loaded.techniques, ...oracle] as (TechniqueRef & { role?: 'oracle' })[]) {
          const role = technique.role;
          // With pools `none` (which never reads a teacher) does not wait on the teacher, so a teacher
          // under its floor skips only the students that need it. Other minTeachers-0 techniques keep
          // theirs (co-distillation's `peer: teacher-size` reads its config). Without pools: as before.
          const teacherless = role || (pools && technique.id === 'none');
          const job: Omit<StudentJob, 'key'> = {
            kind: 'student',
            label: `${task.id}/${technique.label}/${s.id}/seed ${seed}`,
            taskId: task.id,
            taskOptions,
            seed,
            technique: { id: technique.id, label: technique.label, options: technique.options },
            student,
            teachers: teacherless ? [] : teacherSpecs,
            teacherKeys: teacherless ? [] : teacherKeys,
            training: suite.training,
            evaluation: suite.evaluation,
            metrics: suite.metrics,
            ...(pools ? { pools } : {}),
            ...(role ? { role } : {}),
            // Every student job of the task, `none` and the oracle included, so comparisons stay paired.
            ...(recorded ? { recorded } : {}),
          };
          plan.students.push({
            ...job,
            key: contentHash({ ...job, label: undefined, backend, v: HARNESS_VERSION }),
          });
        }
      }
    }
  });
  return plan;
}
