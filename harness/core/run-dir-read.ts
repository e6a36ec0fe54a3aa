/**
 * The one reader of run-directory files. Every problem is a RunDirError (exit 2) whose message
 * starts with `file:line:` (or `file:`), names the field and says how to fix it; nothing here
 * throws a bare TypeError or SyntaxError.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { RunDirError } from './errors.ts';
import {
  ExampleRowSchema,
  isValidJobKey,
  JobOutputSchema,
  JobRecordSchema,
  ManifestSchema,
  ResultRowSchema,
  SCHEMA_VERSION,
  UnitRowSchema,
} from './run-dir-schema.ts';
import type {
  ExampleRow,
  JobOutput,
  JobRecord,
  Manifest,
  ResultRow,
  RunDir,
  UnitRow,
} from './run-dir-types.ts';

const FIX = 'Fix: pass a run directory written by `distill-bench run` (or rerun it into a new --out).';

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Reads a file as UTF-8 text; a missing, unreadable or non-file path is a RunDirError. */
export function readTextFile(file: string, what = 'run-dir file'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new RunDirError('not-a-run-dir', `${file}: cannot read the ${what} (${code}). ${FIX}`, { file });
  }
}

/** Validates one parsed value; `at` is `file` or `file:line`. */
export function checkValue<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  file: string,
  line?: number,
): z.output<S> {
  const at = line === undefined ? file : `${file}:${line}`;
  if (raw !== null && typeof raw === 'object' && 'schemaVersion' in raw) {
    const v = (raw as { schemaVersion: unknown }).schemaVersion;
    if (v !== SCHEMA_VERSION) {
      throw new RunDirError(
        'schema-version',
        `${at}: schemaVersion ${shown(v)}, this harness reads ${SCHEMA_VERSION}. Fix: read it with the harness version that wrote it, or rerun into a new --out.`,
        { file, line, field: 'schemaVersion' },
      );
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldPath(issue.path);
  throw new RunDirError(
    'bad-field',
    `${at}: ${field ? `field '${field}' = ${shown(valueAt(raw, issue.path))}: ` : ''}${issue.message}. ${FIX}`,
    { file, line, field: field || undefined },
  );
}

/** Reads and validates a JSON file. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const text = readTextFile(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RunDirError('bad-json', `${file}: not valid JSON (${(err as Error).message}). ${FIX}`, {
      file,
    });
  }
  return checkValue(schema, raw, file);
}

/**
 * Reads and validates a JSONL file (missing file: no rows). A last line without its newline that
 * starts like a row (`{"`) is a half-written append from a killed run and is skipped; any other
 * unparseable line, garbage without a newline included, is an error naming its line.
 */
export function readJsonlFile<S extends z.ZodType>(file: string, schema: S): z.output<S>[] {
  if (!existsSync(file)) return [];
  const text = readTextFile(file);
  const lines = text.split('\n');
  const out: z.output<S>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      const isLast = i === lines.length - 1;
      if (isLast && line.startsWith('{"')) continue;
      throw new RunDirError(
        'bad-json',
        `${file}:${i + 1}: not valid JSON (${(err as Error).message.slice(0, 120)}). ${FIX}`,
        { file, line: i + 1 },
      );
    }
    out.push(checkValue(schema, raw, file, i + 1));
  }
  return out;
}

/**
 * Drops exact repeats of a row and refuses two rows that claim different values for the same
 * cell (what concatenated shard files or two runs into one dir produce), so report, leaderboard
 * and gate see the same rows and refuse the same files.
 */
export function dedupeRows<T extends { value: number | null; signature: string }>(
  rows: T[],
  file: string,
  keyOf: (r: T) => string[],
): T[] {
  const seen = new Map<string, T>();
  const out: T[] = [];
  for (const r of rows) {
    const key = JSON.stringify(keyOf(r));
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, r);
      out.push(r);
      continue;
    }
    if (Object.is(prev.value, r.value) && prev.signature === r.signature) continue;
    throw new RunDirError(
      'conflicting-rows',
      `${file}: two rows for ${keyOf(r).join(' / ')} disagree (value ${prev.value} vs ${r.value}, signature '${prev.signature}' vs '${r.signature}'). Fix: one row per cell; join shard run dirs with \`distill-bench merge\` instead of concatenating files.`,
      { file },
    );
  }
  return out;
}

const cellKey = (r: ResultRow) => [r.task, r.technique, r.student, `seed ${r.seed}`, r.split, r.metric];

export function readManifest(dir: string): Manifest {
  const mf = join(dir, 'manifest.json');
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir || !existsSync(mf)) {
    throw new RunDirError(
      'not-a-run-dir',
      `${dir}: not a run directory (${isDir ? 'no manifest.json' : 'no such directory'}). ${FIX}`,
      { file: dir },
    );
  }
  return readJsonFile(mf, ManifestSchema) as Manifest;
}

/** The manifest and the three JSONL files of a run dir, validated. */
export function readRunDirChecked(dir: string): RunDir {
  const manifest = readManifest(dir);
  const rf = join(dir, 'results.jsonl');
  const jf = join(dir, 'jobs.jsonl');
  const results = dedupeRows(readJsonlFile(rf, ResultRowSchema) as ResultRow[], rf, cellKey);
  const jobRows = readJsonlFile(jf, JobRecordSchema) as JobRecord[];
  const jobs = dedupeJobs(jobRows, jf);
  const examples = readJsonlFile(join(dir, 'examples.jsonl'), ExampleRowSchema) as ExampleRow[];
  return { manifest, results, jobs, examples };
}

function dedupeJobs(rows: JobRecord[], file: string): JobRecord[] {
  const seen = new Map<string, string>();
  const out: JobRecord[] = [];
  for (const r of rows) {
    const text = JSON.stringify(r);
    const prev = seen.get(r.jobKey);
    if (prev === text) continue;
    if (prev !== undefined)
      throw new RunDirError(
        'conflicting-rows',
        `${file}: two different rows for job ${r.jobKey}. Fix: one row per job; join shard run dirs with \`distill-bench merge\` instead of concatenating files.`,
        { file },
      );
    seen.set(r.jobKey, text);
    out.push(r);
  }
  return out;
}

export function readUnitsChecked(file: string): UnitRow[] {
  const rows = readJsonlFile(file, UnitRowSchema) as UnitRow[];
  return dedupeRows(rows, file, (r) => [
    ...cellKey(r as unknown as ResultRow),
    `unit ${r.stratum}/${r.unit}`,
  ]);
}

/**
 * The per-job files jobs/<key>.json, validated: each file's name must be its record's job key,
 * and every row inside must belong to that job, so a crafted file cannot smuggle a path (or
 * another job's rows) into a merged run. Returned in key order.
 */
export function readJobOutputsChecked(dir: string): JobOutput[] {
  const jd = join(dir, 'jobs');
  if (!existsSync(jd)) return [];
  let names: string[];
  try {
    names = readdirSync(jd);
  } catch (err) {
    throw new RunDirError(
      'not-a-run-dir',
      `${jd}: cannot list (${(err as NodeJS.ErrnoException).code}). ${FIX}`,
      {
        file: jd,
      },
    );
  }
  return names
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(jd, f);
      const key = f.slice(0, -5);
      if (!isValidJobKey(key))
        throw new RunDirError('bad-job-key', `${file}: '${key.slice(0, 80)}' is not a job key. ${FIX}`, {
          file,
        });
      const out = readJsonFile(file, JobOutputSchema) as JobOutput;
      const rows: { jobKey: string }[] = [out.record, ...out.results, ...out.examples];
      const wrong = rows.find((r) => r.jobKey !== key);
      if (wrong)
        throw new RunDirError(
          'bad-job-key',
          `${file}: holds a row of job '${wrong.jobKey}', but the file is job '${key}'s. ${FIX}`,
          { file, field: 'jobKey' },
        );
      return out;
    });
}
