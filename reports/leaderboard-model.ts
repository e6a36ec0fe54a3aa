/**
 * Leaderboard across runs: one entry per (suite, technique, student, role) of a task × split,
 * ranked on the table's primary metric by its latest run (manifest start time), with every run's
 * value as its history, oldest first. Numbers computed under different metric signatures are never
 * ranked together: each signature gets its own table, with the reason stated.
 */
import type { RunDir } from '../harness/runner/run-dir.ts';
import type { Direction } from '../metrics/types.ts';
import { aggregate } from './aggregate.ts';
import { type LeaderboardStat, rankBands } from './leaderboard-bands.ts';
import { byName, bySplit, byTechnique, byTime } from './order.ts';

export type { LeaderboardStat };

/** One run's value of an entry. */
export interface HistoryPoint extends LeaderboardStat {
  run: string;
  startedAt: string;
  /** Link to that run's report.html, relative to the leaderboard's directory; absent: none written. */
  report?: string;
}

/** Stats, `run`, `startedAt`, … and `others` are the latest run's; `history` has every run's. */
export interface LeaderboardEntry extends LeaderboardStat {
  /** 1 = best mean; ties share a rank (1, 1, 3). null: a reference row, which is shown but not ranked. */
  rank: number | null;
  /** Rank band (reports/leaderboard-bands.ts): entries whose CI overlaps their band leader's share it; null: reference. */
  band: number | null;
  /** `band`, with '=' when shared: "1="; REFERENCE_LABEL for a reference row. */
  bandLabel: string;
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
  report?: string;
  /** Other metrics of the same task × split whose signature is the same in every entry. */
  others: Record<string, LeaderboardStat>;
  /** This entry in every run that has it, oldest first (manifest start time). */
  history: HistoryPoint[];
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
  /** Oldest first (manifest start time). */
  runs: {
    run: string;
    suite: string;
    startedAt: string;
    harnessVersion: string;
    backend: string;
    synthetic: boolean;
    report?: string;
  }[];
  tables: LeaderboardTable[];
}

interface Candidate {
  task: string;
  split: string;
  metric: string;
  direction: Direction;
  signature: string;
  entry: Omit<LeaderboardEntry, 'rank' | 'band' | 'bandLabel' | 'others' | 'history'>;
  others: Record<string, LeaderboardStat & { signature: string; direction: Direction }>;
}

const stat = (c: {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
}): LeaderboardStat => ({ mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, n: c.n });

/** A run given to buildLeaderboard; `report` links its report.html (see HistoryPoint). */
export interface LeaderboardRun {
  dir: string;
  run: RunDir;
  report?: string;
}

function candidates({ dir, run, report }: LeaderboardRun): Candidate[] {
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
          ...(report ? { report } : {}),
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

type Ranked = Omit<LeaderboardEntry, 'rank' | 'band' | 'bandLabel'>;

/** The band column of a reference row. */
const REFERENCE_LABEL = 'ref';

/**
 * Students best first by mean, rank and band attached, listed band by band (a wide CI can join an earlier
 * band); then the reference rows (teacher, oracle, score mode's reference model), best first, unranked: they are
 * the ceiling the students are measured against, not contestants, and must neither take rank 1 nor widen a band.
 */
function rank(entries: Ranked[], direction: Direction): LeaderboardEntry[] {
  const sorted = [...entries].sort(
    (a, b) =>
      (direction === 'higher' ? b.mean - a.mean : a.mean - b.mean) ||
      byTechnique(a.technique, b.technique) ||
      byName(a.student, b.student) ||
      byName(a.suite, b.suite) ||
      byName(a.role ?? '', b.role ?? ''),
  );
  const students = sorted.filter((e) => !e.role);
  const bands = rankBands(students);
  const ranked = students.map((e, i) => ({
    ...e,
    rank: students.findIndex((x) => x.mean === e.mean) + 1 || i + 1,
    band: bands[i].band,
    bandLabel: bands[i].label,
  }));
  const references = sorted
    .filter((e) => e.role)
    .map((e) => ({ ...e, rank: null, band: null, bandLabel: REFERENCE_LABEL }));
  return [
    ...ranked
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.band - b.e.band || a.i - b.i)
      .map(({ e }) => e),
    ...references,
  ];
}

const oldestFirst = (a: Candidate, b: Candidate) =>
  byTime(a.entry.startedAt, b.entry.startedAt) || byName(a.entry.run, b.entry.run);

/** One entry per (suite, technique, student, role): the latest run's numbers plus every run's history. */
function merge(group: Candidate[], otherMetrics: LeaderboardTable['otherMetrics']): Ranked[] {
  const byEntry = new Map<string, Candidate[]>();
  for (const c of group) {
    const k = JSON.stringify([c.entry.suite, c.entry.technique, c.entry.student, c.entry.role ?? '']);
    byEntry.set(k, [...(byEntry.get(k) ?? []), c]);
  }
  return [...byEntry.values()].map((runs) => {
    const history = [...runs].sort(oldestFirst);
    const latest = history[history.length - 1];
    return {
      ...latest.entry,
      others: Object.fromEntries(
        otherMetrics.filter((m) => latest.others[m.id]).map((m) => [m.id, stat(latest.others[m.id])]),
      ),
      history: history.map((c) => ({
        run: c.entry.run,
        startedAt: c.entry.startedAt,
        ...stat(c.entry),
        ...(c.entry.report ? { report: c.entry.report } : {}),
      })),
    };
  });
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
    entries: rank(merge(group, otherMetrics), first.direction),
  };
}

/** `runs` in command-line order; the output does not depend on that order. */
export function buildLeaderboard(runs: LeaderboardRun[]): Leaderboard {
  const all = runs.flatMap(candidates);
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
    .map(({ dir, run, report }) => ({
      run: dir,
      suite: run.manifest.suite.name,
      startedAt: run.manifest.startedAt,
      harnessVersion: run.manifest.harnessVersion,
      backend: run.manifest.backend,
      synthetic: run.manifest.environment?.synthetic === true,
      ...(report ? { report } : {}),
    }))
    .sort((a, b) => byTime(a.startedAt, b.startedAt) || byName(a.run, b.run));
  return { schemaVersion: 1, runs: runInfo, tables };
}
