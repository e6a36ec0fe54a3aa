// A metric plugin: mean relative length error |len(response) - len(reference)| / len(reference),
// a pure function of two string arrays. Registers `length-error` (info + evaluator) when imported.
import { type Evaluator, type MetricValue, registerMetric } from 'distill-bench';

export function lengthError(responses: string[], references: string[]): number {
  const errs = references.map((r, i) => Math.abs(responses[i].length - r.length) / Math.max(1, r.length));
  return errs.reduce((a, b) => a + b, 0) / Math.max(1, errs.length);
}

const SIGNATURE = 'length-error|chars|mean-relative|v1';

const evaluator: Evaluator = {
  family: 'length-error',
  ids: ['length-error'],
  applies: (c) => c.split !== 'probes',
  run: (c): MetricValue[] => [
    {
      metric: 'length-error',
      value: lengthError(
        c.responses,
        c.examples.map((e) => e.response),
      ),
      signature: SIGNATURE,
    },
  ],
};

registerMetric({
  info: [
    {
      id: 'length-error',
      family: 'length-error',
      direction: 'lower',
      description: 'mean |len(response) - len(reference)| / len(reference) (example plugin)',
      signature: SIGNATURE,
      tolerance: 0.05,
    },
  ],
  evaluator,
});
