import { homedir } from 'node:os';
import { join } from 'node:path';

/** The root of every cache (teachers, base students, judge answers): $DISTILL_BENCH_CACHE, else the XDG cache folder. */
export function defaultCacheDir(): string {
  return (
    process.env.DISTILL_BENCH_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'distill-bench')
  );
}
