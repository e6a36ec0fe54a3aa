/**
 * The metric ids `distill-bench score` writes (harness/score/sequence-metrics.ts, ice-cards.ts,
 * pairwise.ts, judge/run-judge.ts). harness/runner/metric-families.test.ts checks that every
 * registered id is produced by a run, by score or by the `metric` command.
 */
export const SCORE_METRICS: readonly string[] = [
  'accuracy',
  'wer',
  'rse-proxy',
  'rse-rougeL',
  'rse-chrf',
  'rse-bleu',
  'distinct-1',
  'distinct-2',
  'ice-loose',
  'ice-strict',
  'ice-hard',
  'homogenization-pairwise',
  'rse-judge',
  'rse-judge-style',
  'rse-judge-logic',
  'rse-judge-content',
  'ice-judge-loose',
  'ice-judge-strict',
  'ice-judge-hard',
];
