import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
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

/**
 * One path segment from a judge model name or prompt version (user text): only letters, digits,
 * '.', '_' and '-', never '.' or '..' (no leading dot at all), at most 80 characters; a short hash
 * of the original keeps 'a/b' and 'a_b' apart.
 */
export function safeSegment(s: string): string {
  const plain =
    s
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 80) || '_';
  if (plain === s) return plain;
  return `${plain}-${createHash('sha256').update(s).digest('hex').slice(0, 8)}`;
}

export class JudgeCache {
  constructor(readonly dir: string) {}

  inputHash(model: string, promptVersion: string, input: unknown): string {
    return createHash('sha256').update(canonicalJson({ model, promptVersion, input })).digest('hex');
  }

  private path(model: string, promptVersion: string, hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`internal: judge cache key '${hash}' is not a sha256`);
    const p = join(
      this.dir,
      safeSegment(model),
      safeSegment(promptVersion),
      hash.slice(0, 2),
      `${hash}.json`,
    );
    // The segments above cannot climb out; this says so where it matters.
    const rel = relative(resolve(this.dir), resolve(p));
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new Error(`internal: judge cache path ${p} leaves ${this.dir}`);
    return p;
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
