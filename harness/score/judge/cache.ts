import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../cache-dir.ts';
import { writeAtomic } from '../../fs-atomic.ts';
import { canonicalJson } from '../../hash.ts';

/**
 * On-disk cache of judge answers, keyed by (judge model, prompt version, hash of the exact request
 * body minus nothing secret). Each answer is written atomically the moment it arrives, so a run that
 * dies halfway keeps every judgment it got, and a rerun asks only for the rest. The API key is
 * never part of a key or an entry.
 *
 * Layout: <dir>/<model>/<prompt version>/<hash[0:2]>/<hash>.json
 */

export interface CachedAnswer {
  model: string;
  promptVersion: string;
  inputHash: string;
  content: string;
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
}

/** $DISTILL_BENCH_CACHE/judge, else $XDG_CACHE_HOME/distill-bench/judge, else ~/.cache/distill-bench/judge. */
export function defaultJudgeCacheDir(): string {
  return join(defaultCacheDir(), 'judge');
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || '_';

export class JudgeCache {
  constructor(readonly dir: string) {}

  inputHash(model: string, promptVersion: string, input: unknown): string {
    return createHash('sha256').update(canonicalJson({ model, promptVersion, input })).digest('hex');
  }

  private path(model: string, promptVersion: string, hash: string): string {
    return join(this.dir, safe(model), safe(promptVersion), hash.slice(0, 2), `${hash}.json`);
  }

  get(model: string, promptVersion: string, hash: string): CachedAnswer | undefined {
    const p = this.path(model, promptVersion, hash);
    if (!existsSync(p)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(p, 'utf8')) as CachedAnswer;
      // A hash-named file with another key inside (hand-edited, truncated) is a miss, not an answer.
      return entry.inputHash === hash && entry.model === model && typeof entry.content === 'string'
        ? entry
        : undefined;
    } catch {
      return undefined;
    }
  }

  put(entry: CachedAnswer): void {
    const p = this.path(entry.model, entry.promptVersion, entry.inputHash);
    mkdirSync(join(p, '..'), { recursive: true });
    writeAtomic(p, `${JSON.stringify(entry)}\n`);
  }
}
