/**
 * The example browser's data: examples grouped by prompt (task × split × seed × id) so the gold
 * answer, the teacher and every student's response sit together, each response with its word
 * alignment against the gold answer. Sent to the page as compact arrays (10k examples must fit).
 */
import type { ExampleRow } from '../harness/runner/run-dir.ts';
import { type AlignUnit, alignmentCodes, words } from './alignment.ts';
import { byName, bySplit, byTechnique } from './order.ts';

/** [label index, response, 1 correct | 0 incorrect | null unknown, alignment codes or null]. */
export type ResponseCell = [number, string, 1 | 0 | null, string | null];
/**
 * [task, split, seed, id, prompt, gold, teacher response or null, responses, teacher correct: 1 | 0,
 * or null when no teacher reference row for this prompt (same task, split and id; the same seed when
 * there is one, else the teacher's own seed) says].
 */
export type ExampleGroup = [
  string,
  string,
  number,
  string,
  string,
  string,
  string | null,
  ResponseCell[],
  1 | 0 | null,
];

/** The technique name of teacher reference rows (harness/runner/teacher-job.ts). */
export const TEACHER_TECHNIQUE = 'teacher';

export interface ExampleData {
  /** Response labels: the technique, or "technique / student" when the run has several students. */
  labels: string[];
  groups: ExampleGroup[];
  /** Example rows in the run / rows embedded (after the per-job cap). */
  total: number;
  shown: number;
  /** Rows kept per job and split; null when nothing was cut. */
  cap: number | null;
  /** Tasks aligned by character rather than word (CER tasks, `charAlignedTasks`). */
  charTasks: string[];
}

/**
 * Tasks whose example alignment is by character: the primary metric is cer, or the task's rows have
 * cer but no wer (from the run dir's result rows, so it follows what the run measured).
 */
export function charAlignedTasks(
  results: readonly { task: string; metric: string }[],
  primaryOf: (task: string) => string | null = () => null,
): string[] {
  const metrics = new Map<string, Set<string>>();
  for (const r of results) {
    const set = metrics.get(r.task) ?? new Set<string>();
    set.add(r.metric);
    metrics.set(r.task, set);
  }
  return [...metrics]
    .filter(([task, ms]) => primaryOf(task) === 'cer' || (ms.has('cer') && !ms.has('wer')))
    .map(([task]) => task)
    .sort(byName);
}

/** Enough for the default suite (≤ 150 per split) in full; bigger runs say in the page what was cut. */
export const DEFAULT_CAP_PER_JOB_SPLIT = 300;
/** Texts longer than this many words are shown unaligned (alignment is quadratic in length). */
const MAX_ALIGN_WORDS = 400;

/** Natural order for ids like "task/test/10" so example 10 follows 9, not 1. */
export function naturalCompare(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y) && x.length <= 15 && y.length <= 15)
      return Number(x) - Number(y) || byName(x, y);
    return byName(x, y);
  }
  return ca.length - cb.length;
}

/** Character alignment is quadratic in characters: longer texts are shown unaligned. */
const MAX_ALIGN_CHARS = 2000;

function alignCodes(gold: string, response: string, unit: AlignUnit): string | null {
  if (unit === 'char') {
    if (gold.length > MAX_ALIGN_CHARS || response.length > MAX_ALIGN_CHARS) return null;
    return alignmentCodes(gold, response, 'char');
  }
  if (words(gold).length > MAX_ALIGN_WORDS || words(response).length > MAX_ALIGN_WORDS) return null;
  return alignmentCodes(gold, response);
}

export function exampleData(
  rows: ExampleRow[],
  cap = DEFAULT_CAP_PER_JOB_SPLIT,
  charTasks: readonly string[] = [],
): ExampleData {
  const byChar = new Set(charTasks);
  const multi = new Set(rows.map((r) => r.student)).size > 1;
  const labelOf = (r: ExampleRow) => (multi ? `${r.technique} / ${r.student}` : r.technique);
  const pairs = [...new Map(rows.map((r) => [labelOf(r), r])).values()].sort(
    (a, b) => byTechnique(a.technique, b.technique) || byName(a.student, b.student),
  );
  const labels = pairs.map(labelOf);
  // The cap keeps the first rows of each job × split in file order: the same prompts for every technique.
  const seen = new Map<string, number>();
  const kept: ExampleRow[] = [];
  for (const r of rows) {
    const k = `${r.jobKey}\u0000${r.split}`;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    if (n < cap) kept.push(r);
  }
  const groups = new Map<string, ExampleRow[]>();
  for (const r of kept) {
    const k = JSON.stringify([r.task, r.split, r.seed, r.id]);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  // Teacher correctness per prompt: the same seed's teacher row when there is one, else any seed's.
  const teacherOk = new Map<string, 1 | 0>();
  for (const r of rows) {
    if (r.technique !== TEACHER_TECHNIQUE || typeof r.correct !== 'boolean') continue;
    const v = r.correct ? 1 : 0;
    teacherOk.set(JSON.stringify([r.task, r.split, r.seed, r.id]), v);
    const any = JSON.stringify([r.task, r.split, null, r.id]);
    if (!teacherOk.has(any)) teacherOk.set(any, v);
  }
  const out: ExampleGroup[] = [...groups.values()].map((g) => {
    const first = g[0];
    const responses = g
      .map(
        (r): ResponseCell => [
          labels.indexOf(labelOf(r)),
          r.response,
          r.correct === undefined || r.correct === null ? null : r.correct ? 1 : 0,
          alignCodes(r.reference, r.response, byChar.has(r.task) ? 'char' : 'word'),
        ],
      )
      .sort((a, b) => a[0] - b[0] || byName(a[1], b[1]));
    const teacher = g.find((r) => typeof r.teacherResponse === 'string')?.teacherResponse ?? null;
    const teacherCorrect =
      teacherOk.get(JSON.stringify([first.task, first.split, first.seed, first.id])) ??
      teacherOk.get(JSON.stringify([first.task, first.split, null, first.id])) ??
      null;
    return [
      first.task,
      first.split,
      first.seed,
      first.id,
      first.prompt,
      first.reference,
      teacher,
      responses,
      teacherCorrect,
    ];
  });
  out.sort((a, b) => byName(a[0], b[0]) || bySplit(a[1], b[1]) || a[2] - b[2] || naturalCompare(a[3], b[3]));
  return {
    labels,
    groups: out,
    total: rows.length,
    shown: kept.length,
    cap: kept.length < rows.length ? cap : null,
    charTasks: [...byChar].filter((t) => rows.some((r) => r.task === t)).sort(byName),
  };
}

/**
 * JSON for a <script type="application/json"> element: `<`, `>` and `&` become \u escapes, so
 * model text containing `</script>` or `<!--` cannot end the element early; JSON.parse restores them.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
