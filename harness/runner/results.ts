import { join } from 'node:path';
import { checkOutputFile, ensureSubdir } from '../core/out-path.ts';
import { readJobOutputsChecked } from '../core/run-dir-read.ts';
import { jobFileName } from '../core/run-dir-schema.ts';
import type { JobOutput } from '../core/run-dir-types.ts';
import { writeAtomic } from '../fs-atomic.ts';
import { appendLines } from './run-dir.ts';

export type { JobOutput };

/**
 * Crash-safe result writing. The per-job file is the source of truth (written atomically); the
 * JSONL files are appended for live reading and rebuilt from the per-job files in key order at the
 * end of a run, on resume and on merge, so a kill between the two writes loses nothing and two runs
 * of the same suite give byte-identical files regardless of completion order.
 */
export function saveJobOutput(dir: string, out: JobOutput): void {
  const file = join(ensureSubdir(dir, 'jobs'), jobFileName(out.record.jobKey));
  checkOutputFile(file);
  writeAtomic(file, JSON.stringify(out));
  appendLines(join(dir, 'results.jsonl'), out.results);
  appendLines(join(dir, 'jobs.jsonl'), [out.record]);
  appendLines(join(dir, 'examples.jsonl'), out.examples);
}

/** The per-job files, validated (file name = job key, rows of that job only), in key order. */
export function readJobOutputs(dir: string): JobOutput[] {
  return readJobOutputsChecked(dir);
}

export const JSONL_FILES = ['results.jsonl', 'jobs.jsonl', 'examples.jsonl'] as const;

/** Rewrites the three JSONL files from the per-job files, sorted by job key. */
export function rebuildJsonl(dir: string, outputs = readJobOutputs(dir)): void {
  const lines = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  writeAtomic(join(dir, 'results.jsonl'), lines(outputs.flatMap((o) => o.results)));
  writeAtomic(join(dir, 'jobs.jsonl'), lines(outputs.map((o) => o.record)));
  writeAtomic(join(dir, 'examples.jsonl'), lines(outputs.flatMap((o) => o.examples)));
}
