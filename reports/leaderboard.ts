/**
 * `distill-bench leaderboard <run-dirs...> --out <dir>`: index.html + leaderboard.csv +
 * leaderboard.json, a static site ready to publish (e.g. GitHub Pages).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { UsageError } from '../harness/errors.ts';
import { leaderboardCsv } from './csv.ts';
import { arrow, meanPm, num } from './format.ts';
import { scriptHash } from './html.ts';
import { buildLeaderboard, type Leaderboard, type LeaderboardStat } from './leaderboard-model.ts';
import { readRunDirOrExplain } from './read.ts';

const TEMPLATES = join(import.meta.dirname, 'templates');

function cell(s: LeaderboardStat | undefined, best = false) {
  if (!s) return { text: '–', v: '', cls: '', tip: 'no value' };
  const ci = s.ciLow !== null && s.ciHigh !== null ? `95% CI [${num(s.ciLow)}, ${num(s.ciHigh)}]` : 'no CI';
  return { text: meanPm(s), v: String(s.mean), cls: best ? 'best' : '', tip: `${ci}, n = ${s.n} seed(s)` };
}

export function renderLeaderboardHtml(lb: Leaderboard): string {
  const script = readFileSync(join(TEMPLATES, 'report-client.js'), 'utf8');
  const tpl = Handlebars.create().compile(readFileSync(join(TEMPLATES, 'leaderboard-page.hbs'), 'utf8'));
  return tpl({
    css: readFileSync(join(TEMPLATES, 'report.css'), 'utf8'),
    script,
    scriptHash: scriptHash(script),
    runs: lb.runs,
    tables: lb.tables.map((t) => ({
      ...t,
      arrow: arrow(t.direction),
      otherMetrics: t.otherMetrics.map((m) => ({ label: `${m.id} ${arrow(m.direction)}` })),
      rows: t.entries.map((e) => ({
        rank: e.rank,
        technique: e.role ? `${e.technique} (reference: ${e.role})` : e.technique,
        student: e.student,
        run: e.run,
        runTip: `${e.suite}, started ${e.startedAt}, harness ${e.harnessVersion}, ${e.backend}`,
        cells: [cell(e, e.rank === 1), ...t.otherMetrics.map((m) => cell(e.others[m.id]))],
      })),
    })),
  });
}

export function writeLeaderboard(dirs: string[], out: string): Leaderboard {
  if (dirs.length === 0)
    throw new UsageError(
      'leaderboard: no run directories given. Fix: pass one or more run dirs, e.g. `distill-bench leaderboard runs/* --out site`.',
    );
  const lb = buildLeaderboard(dirs.map((dir) => ({ dir, run: readRunDirOrExplain(dir) })));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.html'), renderLeaderboardHtml(lb));
  writeFileSync(join(out, 'leaderboard.csv'), leaderboardCsv(lb));
  writeFileSync(join(out, 'leaderboard.json'), `${JSON.stringify(lb, null, 2)}\n`);
  return lb;
}
