import { z } from 'zod';
import { MODEL_PRESETS } from '../models/config.ts';
import { TrainingOptionsSchema } from '../training/optimizer.ts';
import { SEED_MAX, SEED_MIN } from './seed-range.ts';

/**
 * The suite file format (YAML, JSON or TypeScript through defineSuite). One zod schema validates all
 * three; harness/runner/suite-load.ts turns its issues into messages naming file, field, value and fix,
 * and checks names (tasks, techniques, metrics, profiles) against the registries with did-you-mean.
 */
const presetNames = Object.keys(MODEL_PRESETS) as [
  keyof typeof MODEL_PRESETS,
  ...(keyof typeof MODEL_PRESETS)[],
];

export const ModelSpecSchema = z.union([
  z.enum(presetNames),
  z
    .object({
      preset: z.enum(presetNames).optional(),
      dModel: z.number().int().min(4).max(4096).optional(),
      layers: z.number().int().min(1).max(64).optional(),
      heads: z.number().int().min(1).max(64).optional(),
      dFF: z.number().int().min(4).max(16384).optional(),
      positions: z.enum(['learned', 'sinusoidal']).optional(),
    })
    .strict(),
]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** Longest suite name, id or label: they become directory names and table cells. */
export const MAX_ID_LENGTH = 64;
const Id = z
  .string()
  .max(MAX_ID_LENGTH, `at most ${MAX_ID_LENGTH} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');
/** A registered name (task, technique, metric, profile): checked against its registry afterwards. */
const Name = z.string().min(1, 'must not be empty').max(MAX_ID_LENGTH, `at most ${MAX_ID_LENGTH} characters`);

export const SeedSchema = z.number().int().min(SEED_MIN).max(SEED_MAX);
const TrainingOverrides = TrainingOptionsSchema.partial().strict();

/** A teacher's quality floor: metric id -> bound, checked on the test split after training. */
export const MinQualitySchema = z
  .record(z.string().min(1), z.number().finite())
  .refine((o) => Object.keys(o).length >= 1, 'name at least one metric, e.g. {accuracy: 0.9}');

/** A trained teacher's model when the suite names none. */
export const DEFAULT_TEACHER_MODEL = 'small';

export const TeacherSchema = z
  .object({
    id: Id,
    /**
     * 'trained': a network trained on its pool or profile. 'program': the task's exact solver (gold, or
     * the blind-spot `profile`), with no network, so no `model` or `training` (docs/data-pools.md).
     * 'responses': responses recorded from a model (an LLM behind an API), read from `file`.
     */
    kind: z.enum(['trained', 'program', 'responses']).default('trained'),
    /** kind: responses only: JSONL or CSV with columns prompt, response (optional id), relative to the suite. */
    file: z.string().min(1).optional(),
    /** kind: responses only: a training prompt without a recorded response fails the run (error) or is left out of every pool (skip). */
    missing: z.enum(['error', 'skip']).optional(),
    /** Set by the harness: content hash of `file`, so an edited file changes every job key. */
    sha256: z.string().optional(),
    /** Trained teachers only; default 'small'. */
    model: ModelSpecSchema.optional(),
    /** Task profile whose data trains this teacher (gold when absent); a program teacher's blind spot. */
    profile: Name.optional(),
    /** Trained teachers only: overrides of the suite's training budget. */
    training: TrainingOverrides.optional(),
    /** e.g. {accuracy: 0.9} or {wer: 0.35}: under it the teacher job fails and its students are skipped. */
    minQuality: MinQualitySchema.optional(),
  })
  .strict();

const PoolSize = z.number().int().min(1, 'must be at least 1').max(100_000);
/** Disjoint training pools (harness/tasks/pools.ts, docs/data-pools.md); absent: one shared train split. */
export const DataSchema = z
  .object({
    teacher: PoolSize,
    labelled: PoolSize,
    transfer: PoolSize,
    /** Data seed: fixes the generated examples and the teacher for every student seed. */
    seed: SeedSchema.default(1),
  })
  .strict();

export const StudentSchema = z.object({ id: Id, model: ModelSpecSchema.default('tiny') }).strict();

/** `soft-label`, `{ soft-label: {T: 4} }` or `{ id: soft-label, as: soft-T4, options: {...} }`. */
export const TechniqueEntrySchema = z.union([
  Name,
  z.object({ id: Name, as: Id.optional(), options: z.record(z.string(), z.unknown()).default({}) }).strict(),
  z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .refine((o) => Object.keys(o).length === 1, 'one technique per entry'),
]);

export const TaskEntrySchema = z
  .object({
    id: Name,
    options: z.record(z.string(), z.unknown()).default({}),
    /** Teachers for this task only (profiles are task-specific); defaults to the suite's teachers. */
    teachers: z.array(TeacherSchema).optional(),
  })
  .strict();

export const SuiteSchema = z
  .object({
    name: Id,
    description: z.string().max(2000, 'at most 2000 characters').default(''),
    /** Modules that register tasks, techniques or metrics (harness/plugins/load-plugins.ts). */
    plugins: z.array(z.string().min(1)).default([]),
    tasks: z.array(TaskEntrySchema).min(1),
    teachers: z.array(TeacherSchema).default([]),
    students: z.array(StudentSchema).min(1),
    techniques: z.array(TechniqueEntrySchema).min(1),
    seeds: z.array(SeedSchema).min(1),
    data: DataSchema.optional(),
    /** The student budget every technique gets (and the default teacher budget). */
    training: TrainingOptionsSchema,
    /** Metric ids to compute; default: the task's own metrics plus rse-proxy. */
    metrics: z
      .array(Name)
      .min(1, 'list at least one metric, or leave metrics out for the defaults')
      .optional(),
    evaluation: z
      .object({
        splits: z
          .array(z.enum(['test', 'ood']))
          .min(1, 'list at least one split, or leave splits out for both')
          .default(['test', 'ood']),
        maxExamples: z.number().int().min(1).max(100_000).default(300),
        maxNewTokens: z.number().int().min(1).max(4096).default(96),
      })
      .strict()
      .default({ splits: ['test', 'ood'], maxExamples: 300, maxNewTokens: 96 }),
  })
  .strict();

export type SuiteInput = z.input<typeof SuiteSchema>;
export type Suite = z.infer<typeof SuiteSchema>;

/** Typed authoring for TypeScript suite files: `export default defineSuite({...})`. */
export function defineSuite(suite: SuiteInput): SuiteInput {
  return suite;
}
