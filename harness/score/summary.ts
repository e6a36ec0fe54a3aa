import { forTerminal } from '../core/sanitize.ts';
import type { ScoreValue } from './data.ts';
import { MACRO_TASK } from './input-schema.ts';

/**
 * The terminal summary: one line per model, macro-averaged headline metrics that the run has. Model
 * names are user text: shown through forTerminal (no escape sequences), widths measured after.
 */

const COLUMNS: [metric: string, header: string, digits: number][] = [
  ['rse-proxy', 'RSE-proxy', 3],
  ['rse-judge', 'RSE-judge', 3],
  ['ice-loose', 'ICE loose', 3],
  ['ice-strict', 'strict', 3],
  ['ice-hard', 'hard', 3],
  ['ice-judge-loose', 'ICE-judge loose', 3],
  ['ice-judge-strict', 'strict', 3],
  ['ice-judge-hard', 'hard', 3],
  ['homogenization-pairwise', 'pairwise sim', 3],
  ['distinct-2', 'distinct-2', 3],
  ['accuracy', 'accuracy', 3],
  ['wer', 'WER', 3],
];

export function summaryTable(
  values: readonly ScoreValue[],
  models: readonly string[],
  reference: string,
): string[] {
  const macro = values.filter((v) => v.task === MACRO_TASK);
  const cols = COLUMNS.filter(([m]) => macro.some((v) => v.metric === m));
  const cell = (model: string, metric: string, digits: number) => {
    const v = macro.find((x) => x.model === model && x.metric === metric);
    return v && Number.isFinite(v.value) ? v.value.toFixed(digits) : '–';
  };
  const rows = [
    ['model', ...cols.map(([, h]) => h)],
    ...models.map((m) => [
      forTerminal(m === reference ? `${m} (reference)` : m, 200),
      ...cols.map(([metric, , d]) => cell(m, metric, d)),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}
