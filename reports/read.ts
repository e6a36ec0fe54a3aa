import { UsageError } from '../harness/errors.ts';
import { type RunDir, readRunDir } from '../harness/runner/run-dir.ts';

/** readRunDir, with a bad path turned into a UsageError (exit 2) that says what to pass instead. */
export function readRunDirOrExplain(dir: string): RunDir {
  try {
    return readRunDir(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err; // already names file, line, field and the fix
    throw new UsageError(
      `${(err as Error).message}. Fix: pass a run directory written by \`distill-bench run\` (it holds manifest.json and results.jsonl).`,
      { file: dir },
    );
  }
}
