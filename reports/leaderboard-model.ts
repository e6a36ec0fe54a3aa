/**
 * Leaderboard across runs: (technique, student, task) entries from many run dirs, ranked per
 * task × split on the table's primary metric. Numbers computed under different metric signatures
 * are never ranked together: each signature gets its own table, with the reason stated.
 */
import type { RunDir } from '../harness/runner/run-dir.ts';
import type { Direction } from '../metrics/types.ts';
import { aggregate } from './aggregate.ts';
import { byName, bySplit, byTechnique } from './order.ts';

export interface LeaderboardStat {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
}

export interface LeaderboardEntry extends LeaderboardStat {
  /** 1 = best; ties share a rank (1, 1, 3). */
  rank: number;
  technique: string;
  student: string;
  /** Reference rows (teacher, oracle; docs/data-pools.md); absent: a student. */
  role?: string;
  /** The run directory as given on the command line. */
  run: string;
  suite: string;
  startedAt: string;
  harnessVersion: string;
  backend: string;
  /** Other metrics of the same task × split whose signature is the same in every entry. */
  others: Record<string, LeaderboardStat>;
}

export interface LeaderboardTable {
  id: string;
  task: string;
  split: string;
  metric: string;
  direction: Direction;
  signature: string;
  /** Why this table is separate from another one for the same task × split × metric; null if it is not. */
  reason: string | null;
  otherMetrics: { id: string; direction: Direction }[];
  /** Metrics left out of `otherMetrics`, with why. */
  omitted: string[];
  entries: LeaderboardEntry[];
}

export interface Leaderboard {
  schemaVersion: 1;
  runs: {
    run: string;
    suite: string;
    startedAt: string;
    harnessVersion: string;
    backend: string;
    synthetic: boolean;
  }[];
  tables: LeaderboardTable[];
}

interface Candidate {
  task: string;
  split: string;
  metric: string;
  direction: Direction;
  signature: string;
  entry: Omit<LeaderboardEntry, 'rank' | 'others'>;
  others: Record<string, LeaderboardStat & { signature: string; direction: Direction }>;
}

const stat = (c: {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
}): LeaderboardStat => ({ mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, n: c.n });

function candidates(dir: string, run: RunDir): Candidate[] {
  const model = aggregate(run);
  const out: Candidate[] = [];
  for (const t of model.tables) {
    if (!t.primary) continue;
    const m = t.metrics.find((x) => x.id === t.primary)!;
    for (const r of t.rows) {
      const c = r.cells[m.id];
      if (!c || !Number.isFinite(c.mean)) continue;
      const others: Candidate['others'] = {};
      for (const o of t.metrics) {
        const oc = r.cells[o.id];
        if (o.id !== m.id && oc && Number.isFinite(oc.mean))
          others[o.id] = { ...stat(oc), signature: oc.signature, direction: o.direction };
      }
      out.push({
        task: t.task,
        split: t.split,
        metric: m.id,
        direction: m.direction,
        signature: c.signature,
        entry: {
          technique: r.technique,
          student: r.student,
          ...(r.role ? { role: r.role } : {}),
          run: dir,
          suite: model.header.suite,
          startedAt: model.header.startedAt,
          harnessVersion: model.header.harnessVersion,
          backend: model.header.backend,
          ...stat(c),
        },
        others,
      });
    }
  }
  return out;
}

function rank(entries: Omit<LeaderboardEntry, 'rank'>[], direction: Direction): LeaderboardEntry[] {
  const sorted = [...entries].sort(
    (a, b) =>
      (direction === 'higher' ? b.mean - a.mean : a.mean - b.mean) ||
      byTechnique(a.technique, b.technique) ||
      byName(a.student, b.student) ||
      byName(a.run, b.run),
  );
  return sorted.map((e, i) => ({ ...e, rank: sorted.findIndex((x) => x.mean === e.mean) + 1 || i + 1 }));
}

function table(group: Candidate[], reason: string | null, id: string): LeaderboardTable {
  const first = group[0];
  const ids = [...new Set(group.flatMap((c) => Object.keys(c.others)))].sort(byName);
  const otherMetrics: LeaderboardTable['otherMetrics'] = [];
  const omitted: string[] = [];
  for (const mid of ids) {
    const sigs = new Set(group.filter((c) => c.others[mid]).map((c) => c.others[mid].signature));
    if (sigs.size > 1)
      omitted.push(
        `${mid}: left out, its signature differs between runs (${[...sigs].sort(byName).join(' vs ')})`,
      );
    else otherMetrics.push({ id: mid, direction: group.find((c) => c.others[mid])!.others[mid].direction });
  }
  const entries = group.map((c) => ({
    ...c.entry,
    others: Object.fromEntries(
      otherMetrics.filter((m) => c.others[m.id]).map((m) => [m.id, stat(c.others[m.id])]),
    ),
  }));
  return {
    id,
    task: first.task,
    split: first.split,
    metric: first.metric,
    direction: first.direction,
    signature: first.signature,
    reason,
    otherMetrics,
    omitted,
    entries: rank(entries, first.direction),
  };
}

/** `runs` in command-line order; the output does not depend on that order. */
export function buildLeaderboard(runs: { dir: string; run: RunDir }[]): Leaderboard {
  const all = runs.flatMap(({ dir, run }) => candidates(dir, run));
  const byKey = new Map<string, Candidate[]>();
  for (const c of all) {
    const k = JSON.stringify([c.task, c.split, c.metric]);
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  const keys = [...byKey.keys()].sort((a, b) => {
    const [ta, sa, ma] = JSON.parse(a) as string[];
    const [tb, sb, mb] = JSON.parse(b) as string[];
    return byName(ta, tb) || bySplit(sa, sb) || byName(ma, mb);
  });
  const tables: LeaderboardTable[] = [];
  for (const k of keys) {
    const group = byKey.get(k)!;
    const sigs = [...new Set(group.map((c) => c.signature))].sort(byName);
    for (const sig of sigs) {
      const part = group.filter((c) => c.signature === sig);
      const runsHere = [...new Set(part.map((c) => c.entry.run))].sort(byName);
      const reason =
        sigs.length > 1
          ? `${part[0].metric} was computed with signature '${sig}' in ${runsHere.join(', ')}; other runs used ${sigs
              .filter((s) => s !== sig)
              .map((s) => `'${s}'`)
              .join(', ')}. Numbers computed under different conventions are not ranked together.`
          : null;
      tables.push(table(part, reason, `t${tables.length + 1}`));
    }
  }
  const runInfo = runs
    .map(({ dir, run }) => ({
      run: dir,
      suite: run.manifest.suite.name,
      startedAt: run.manifest.startedAt,
      harnessVersion: run.manifest.harnessVersion,
      backend: run.manifest.backend,
      synthetic: run.manifest.environment?.synthetic === true,
    }))
    .sort((a, b) => byName(a.run, b.run));
  return { schemaVersion: 1, runs: runInfo, tables };
}
