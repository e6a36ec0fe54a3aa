/**
 * One zod schema for every file and row of a run directory (the contract is described in
 * harness/runner/run-dir.ts). Readers (report, gate, merge, leaderboard, baseline, resume) validate
 * through harness/core/run-dir-read.ts, so a structurally wrong file is an exit-2 message naming
 * file, line and field instead of a TypeError deep inside a report. Objects are loose: fields a
 * newer minor version adds are kept, not refused; a different schemaVersion is refused.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

/**
 * A job key is used as a file name (jobs/<key>.json), so it is restricted to a safe alphabet:
 * no separators, no leading dot, no `..`, bounded length. Keys the planner writes are hex hashes;
 * fixtures use labels such as `00-none-s1`.
 */
export const JOB_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function isValidJobKey(key: unknown): boolean {
  return typeof key === 'string' && JOB_KEY_PATTERN.test(key) && !key.includes('..');
}

const jobKey = z
  .string()
  .refine(isValidJobKey, 'is not a job key (letters, digits, . _ -, at most 200, no "..")');
const schemaVersion = z.literal(SCHEMA_VERSION, {
  error: `must be ${SCHEMA_VERSION} (this harness reads run-dir schema version ${SCHEMA_VERSION})`,
});
const name = z.string().min(1);
/** NaN and Infinity are stored as null by JSON.stringify; readers treat them as missing values. */
const metricValue = z.number().nullable();

const identity = {
  jobKey,
  task: name,
  technique: name,
  student: name,
  seed: z.number().int(),
};

export const ResultRowSchema = z
  .object({
    schemaVersion,
    ...identity,
    split: name,
    metric: name,
    value: metricValue,
    signature: z.string(),
    direction: z.enum(['higher', 'lower']),
    /** Reference rows (docs/data-pools.md); absent: a student row. */
    role: z.enum(['teacher', 'oracle', 'weak', 'strong-ceiling', 'peer']).optional(),
  })
  .loose();

export const JobRecordSchema = z
  .object({
    schemaVersion,
    ...identity,
    kind: z.enum(['student', 'teacher', 'score']),
    status: z.enum(['ok', 'failed']),
    error: z.string().optional(),
    cost: z.record(z.string(), z.unknown()).optional(),
    curve: z.array(z.tuple([z.number(), z.number().nullable()])).optional(),
    trace: z
      .object({
        lr: z.array(z.number()),
        terms: z.record(z.string(), z.array(z.number().nullable())),
        gradNorm: z.array(z.number().nullable()),
      })
      .loose()
      .optional(),
    teacherDisagreement: z
      .object({ teachers: z.array(z.string()), matrix: z.array(z.array(z.number().nullable())) })
      .loose()
      .optional(),
  })
  .loose();

export const ExampleRowSchema = z
  .object({
    ...identity,
    split: name,
    id: z.string(),
    prompt: z.string(),
    reference: z.string(),
    response: z.string(),
    teacherResponse: z.string().optional(),
    correct: z.boolean().optional(),
    goldNll: z.number().nonnegative().optional(),
    goldTokens: z.number().int().positive().optional(),
  })
  .loose();

export const UnitRowSchema = z
  .object({
    schemaVersion,
    ...identity,
    split: name,
    metric: name,
    unit: z.string(),
    stratum: z.string(),
    value: z.number(),
    signature: z.string(),
  })
  .loose();

export const ManifestJobSchema = z
  .object({
    key: jobKey,
    kind: z.string(),
    status: z.enum(['pending', 'ok', 'failed', 'cached', 'skipped']),
    error: z.string().optional(),
    wallTimeMs: z.number().optional(),
    label: z.string(),
  })
  .loose();

export const ManifestSchema = z
  .object({
    schemaVersion,
    harnessVersion: z.string(),
    gitSha: z.string().nullable(),
    suite: z.object({ name, hash: z.string().min(1), file: z.string().optional() }).loose(),
    backend: z.string(),
    environment: z.record(z.string(), z.unknown()),
    seeds: z.array(z.number().int()),
    metricSignatures: z.record(z.string(), z.string()),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    jobs: z.array(ManifestJobSchema),
    warnings: z.array(z.string()),
  })
  .loose();

/** jobs/<key>.json: everything one finished job produced. */
export const JobOutputSchema = z
  .object({
    record: JobRecordSchema,
    results: z.array(ResultRowSchema),
    examples: z.array(ExampleRowSchema),
  })
  .loose();

/** The per-job file name of a key: the one place that turns a key into a path segment. */
export function jobFileName(key: string): string {
  if (!isValidJobKey(key)) throw new TypeError(`invalid job key ${JSON.stringify(key).slice(0, 80)}`);
  return `${key}.json`;
}
