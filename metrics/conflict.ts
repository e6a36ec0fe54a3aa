/**
 * Knowledge conflict (techniques.md §1.4 leaves per-example conflict undefined; these are our
 * definitions): how much the teachers disagree, how much of the supervision a technique actually
 * trained on contradicts the gold answer or another teacher, and whether the student does worse
 * where the teachers disagree.
 *
 * Answers are compared as in accuracy.ts: responses go through the task's extractor, gold answers
 * are only trimmed; a null teacher answer means the teacher produced none for that example and is
 * left out of every comparison (it neither agrees nor disagrees).
 */
import { type AccuracyStats, accuracyValue, type Extractor, isExactMatch } from './accuracy.ts';
import { type Dist, jsDivergence } from './distributions.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

const trim: Extractor = (s) => s.trim();
type ExtractOptions = { extract?: Extractor; extractName?: string };
const extractTag = (o: ExtractOptions) => `extract:${o.extractName ?? (o.extract ? 'custom' : 'trim')}`;

export const conflictSignatures = {
  teachers: (o: ExtractOptions = {}) => `conflict|match:exact|${extractTag(o)}|jsd:nats|v1`,
  supervision: (o: ExtractOptions = {}) =>
    `conflict-supervision|vs:gold+teachers|match:exact|${extractTag(o)}|v1`,
  split: (o: ExtractOptions = {}) => `acc-split|by:teacher-disagreement|match:exact|${extractTag(o)}|v1`,
};

function answersOf(responses: readonly (string | null)[], extract: Extractor): (string | null)[] {
  return responses.map((r) => (r === null ? null : extract(r).trim()));
}

/** True when at least two teachers answered and not all answers are equal. */
export function teachersDisagree(responses: readonly (string | null)[], extract: Extractor = trim): boolean {
  const given = answersOf(responses, extract).filter((a): a is string => a !== null);
  return new Set(given).size > 1;
}

export interface TeacherConflictStats {
  teachers: string[];
  /** Examples where at least two teachers answered (the denominator of the rate). */
  examples: number;
  disagree: number;
  /** Row-major T×T: examples where both answered, and where their answers differ. */
  pairBoth: number[];
  pairDiffer: number[];
  /** Next-token JSD (nats) summed over positions per teacher pair, and positions counted. */
  pairJsd: number[];
  positions: number;
}

export interface TeacherConflictInput {
  /** Responses in the accumulator's teacher order (null = no answer). */
  responses?: readonly (string | null)[];
  /** Per position, one next-token distribution per teacher in the same order (teacher-forced on the same text). */
  dists?: readonly (readonly Dist[])[];
}

const addArrays = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);

export function teacherConflictAccumulator(
  teachers: readonly string[],
  opts: ExtractOptions = {},
): Accumulator<TeacherConflictStats, TeacherConflictInput> {
  const T = teachers.length;
  const extract = opts.extract ?? trim;
  const signature = conflictSignatures.teachers(opts);
  const zeros = () => new Array<number>(T * T).fill(0);
  return {
    empty: () => ({
      teachers: [...teachers],
      examples: 0,
      disagree: 0,
      pairBoth: zeros(),
      pairDiffer: zeros(),
      pairJsd: zeros(),
      positions: 0,
    }),
    update(s, x) {
      const out = { ...s, pairBoth: [...s.pairBoth], pairDiffer: [...s.pairDiffer], pairJsd: [...s.pairJsd] };
      if (x.responses) {
        if (x.responses.length !== T)
          throw new RangeError(`expected ${T} teacher responses, got ${x.responses.length}`);
        const a = answersOf(x.responses, extract);
        if (a.filter((v) => v !== null).length >= 2) {
          out.examples++;
          if (teachersDisagree(a)) out.disagree++;
        }
        for (let i = 0; i < T; i++) {
          for (let j = 0; j < T; j++) {
            if (i === j || a[i] === null || a[j] === null) continue;
            out.pairBoth[i * T + j]++;
            if (a[i] !== a[j]) out.pairDiffer[i * T + j]++;
          }
        }
      }
      for (const row of x.dists ?? []) {
        if (row.length !== T)
          throw new RangeError(`expected ${T} teacher distributions per position, got ${row.length}`);
        out.positions++;
        for (let i = 0; i < T; i++) {
          for (let j = i + 1; j < T; j++) {
            const d = jsDivergence(row[i], row[j]);
            out.pairJsd[i * T + j] += d;
            out.pairJsd[j * T + i] += d;
          }
        }
      }
      return out;
    },
    merge(a, b) {
      if (a.teachers.join('\u0000') !== b.teachers.join('\u0000'))
        throw new RangeError('cannot merge conflict stats of different teacher lists');
      return {
        teachers: a.teachers,
        examples: a.examples + b.examples,
        disagree: a.disagree + b.disagree,
        pairBoth: addArrays(a.pairBoth, b.pairBoth),
        pairDiffer: addArrays(a.pairDiffer, b.pairDiffer),
        pairJsd: addArrays(a.pairJsd, b.pairJsd),
        positions: a.positions + b.positions,
      };
    },
    compute(s): MetricValue[] {
      let jsdSum = 0;
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) jsdSum += s.pairJsd[i * T + j];
      const pairs = (T * (T - 1)) / 2;
      return [
        {
          metric: 'conflict-teacher-disagreement',
          value: s.examples ? s.disagree / s.examples : Number.NaN,
          signature,
          detail: { disagree: s.disagree, examples: s.examples },
        },
        {
          metric: 'conflict-teacher-jsd',
          value: s.positions && pairs ? jsdSum / (s.positions * pairs) : Number.NaN,
          signature,
          detail: { positions: s.positions, pairs },
        },
      ];
    },
  };
}

/** Teacher × teacher share of examples (both answered) with different answers; NaN on the diagonal or if never both answered. */
export function disagreementMatrix(s: TeacherConflictStats): number[][] {
  const T = s.teachers.length;
  return s.teachers.map((_, i) =>
    s.teachers.map((_, j) =>
      i !== j && s.pairBoth[i * T + j] ? s.pairDiffer[i * T + j] / s.pairBoth[i * T + j] : Number.NaN,
    ),
  );
}

/** Teacher × teacher mean next-token JSD (nats); 0 on the diagonal. */
export function jsdMatrix(s: TeacherConflictStats): number[][] {
  const T = s.teachers.length;
  return s.teachers.map((_, i) =>
    s.teachers.map((_, j) => (s.positions ? s.pairJsd[i * T + j] / s.positions : Number.NaN)),
  );
}

export interface SupervisionInput {
  /** The response the technique trained the student on for this example. */
  supervision: string;
  gold?: string;
  /** All teachers' responses on the example (the supervising teacher's own equal answer is harmless). */
  teacherResponses?: readonly (string | null)[];
}

export interface SupervisionStats {
  total: number;
  conflicted: number;
  vsGold: number;
  vsTeacher: number;
}

/** Share of training examples whose supervision contradicts the gold answer or any other teacher's answer. */
export function supervisionConflictAccumulator(
  opts: ExtractOptions = {},
): Accumulator<SupervisionStats, SupervisionInput> {
  const extract = opts.extract ?? trim;
  const signature = conflictSignatures.supervision(opts);
  return {
    empty: () => ({ total: 0, conflicted: 0, vsGold: 0, vsTeacher: 0 }),
    update(s, x) {
      const answer = extract(x.supervision).trim();
      const vsGold = x.gold !== undefined && answer !== x.gold.trim();
      const vsTeacher = answersOf(x.teacherResponses ?? [], extract).some((a) => a !== null && a !== answer);
      return {
        total: s.total + 1,
        conflicted: s.conflicted + (vsGold || vsTeacher ? 1 : 0),
        vsGold: s.vsGold + (vsGold ? 1 : 0),
        vsTeacher: s.vsTeacher + (vsTeacher ? 1 : 0),
      };
    },
    merge: (a, b) => ({
      total: a.total + b.total,
      conflicted: a.conflicted + b.conflicted,
      vsGold: a.vsGold + b.vsGold,
      vsTeacher: a.vsTeacher + b.vsTeacher,
    }),
    compute: (s) => [
      {
        metric: 'conflict-supervision',
        value: s.total ? s.conflicted / s.total : Number.NaN,
        signature,
        detail: { conflicted: s.conflicted, vsGold: s.vsGold, vsTeacher: s.vsTeacher, total: s.total },
      },
    ],
  };
}

export interface SplitAccuracyInput {
  prediction: string;
  gold: string;
  teacherResponses: readonly (string | null)[];
}

/**
 * Student accuracy on test examples where the teachers disagree vs where they agree. Examples with
 * fewer than two teacher answers can be neither and are left out of both.
 */
export function conflictSplitAccumulator(
  opts: ExtractOptions = {},
): Accumulator<{ conflicted: AccuracyStats; agreed: AccuracyStats }, SplitAccuracyInput> {
  const extract = opts.extract ?? trim;
  const signature = conflictSignatures.split(opts);
  const add = (s: AccuracyStats, ok: boolean): AccuracyStats => ({
    correct: s.correct + (ok ? 1 : 0),
    total: s.total + 1,
  });
  return {
    empty: () => ({ conflicted: { correct: 0, total: 0 }, agreed: { correct: 0, total: 0 } }),
    update(s, x) {
      if (x.teacherResponses.filter((r) => r !== null).length < 2) return s;
      const ok = isExactMatch(x.prediction, x.gold, extract);
      return teachersDisagree(x.teacherResponses, extract)
        ? { ...s, conflicted: add(s.conflicted, ok) }
        : { ...s, agreed: add(s.agreed, ok) };
    },
    merge: (a, b) => ({
      conflicted: {
        correct: a.conflicted.correct + b.conflicted.correct,
        total: a.conflicted.total + b.conflicted.total,
      },
      agreed: { correct: a.agreed.correct + b.agreed.correct, total: a.agreed.total + b.agreed.total },
    }),
    compute: (s) => [
      accuracyValue('acc-conflicted', s.conflicted, signature),
      accuracyValue('acc-agreed', s.agreed, signature),
    ],
  };
}

const conflictInfo = (
  id: string,
  direction: 'higher' | 'lower',
  tolerance: number,
  signature: string,
  description: string,
): MetricInfo => ({ id, family: 'conflict', direction, description, signature, tolerance });

// Teacher conflict is a property of the suite's teachers, not of a technique; "lower" only orders it.
export const info: MetricInfo[] = [
  conflictInfo(
    'conflict-teacher-disagreement',
    'lower',
    0.02,
    conflictSignatures.teachers(),
    'Share of examples on which at least two teachers give different answers.',
  ),
  conflictInfo(
    'conflict-teacher-jsd',
    'lower',
    0.01,
    conflictSignatures.teachers(),
    "Mean pairwise Jensen-Shannon divergence (nats) of the teachers' next-token distributions.",
  ),
  conflictInfo(
    'conflict-supervision',
    'lower',
    0.02,
    conflictSignatures.supervision(),
    'Share of training examples whose supervision contradicts the gold answer or another teacher.',
  ),
  conflictInfo(
    'acc-conflicted',
    'higher',
    0.05,
    conflictSignatures.split(),
    'Student accuracy on test examples where the teachers disagree.',
  ),
  conflictInfo(
    'acc-agreed',
    'higher',
    0.02,
    conflictSignatures.split(),
    'Student accuracy on test examples where the teachers agree.',
  ),
];
