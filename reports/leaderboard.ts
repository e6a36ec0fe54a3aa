/**
 * `distill-bench leaderboard <run-dirs...> --out <dir>`: index.html + leaderboard.csv +
 * leaderboard.json, a static site ready to publish (e.g. GitHub Pages).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../harness/errors.ts';
import { leaderboardCsv } from './csv.ts';
import { buildLeaderboard, type Leaderboard } from './leaderboard-model.ts';
import { renderLeaderboardHtml } from './leaderboard-view.ts';
import { readRunDirOrExplain } from './read.ts';

export { renderLeaderboardHtml } from './leaderboard-view.ts';

/**
 * A relative URL from the site in `out` to `dir`/report.html when that file exists. Every segment
 * is percent-encoded, so a run dir named `javascript:…` or `a"b` stays a path, never a scheme or
 * an attribute break.
 */
export function reportLink(out: string, dir: string): string | undefined {
  if (!existsSync(join(dir, 'report.html'))) return undefined;
  const rel = relative(resolve(out), resolve(dir, 'report.html'));
  return rel.split(sep).map(encodeURIComponent).join('/');
}

export function writeLeaderboard(dirs: string[], out: string): Leaderboard {
  if (dirs.length === 0)
    throw new UsageError(
      'leaderboard: no run directories given. Fix: pass one or more run dirs, e.g. `distill-bench leaderboard runs/* --out site`.',
    );
  const lb = buildLeaderboard(
    dirs.map((dir) => {
      const report = reportLink(out, dir);
      return { dir, run: readRunDirOrExplain(dir), ...(report ? { report } : {}) };
    }),
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.html'), renderLeaderboardHtml(lb));
  writeFileSync(join(out, 'leaderboard.csv'), leaderboardCsv(lb));
  writeFileSync(join(out, 'leaderboard.json'), `${JSON.stringify(lb, null, 2)}\n`);
  return lb;
}
