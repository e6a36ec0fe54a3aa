import { metricRegistry } from '../../metrics/index.ts';
import type { MetricInfo } from '../../metrics/types.ts';
import { EVALUATORS, type Evaluator } from '../runner/evaluators.ts';

/**
 * Adds a metric family from outside the harness (a plugin): its registry entries, which `list`,
 * reports and the gate read (direction, signature, tolerance), and the evaluator that computes it
 * in runs. Both halves are needed: a suite naming a metric no evaluator produces is refused.
 */
export function registerMetric(family: { info: MetricInfo[]; evaluator: Evaluator }): void {
  const ids = family.info.map((m) => m.id);
  const unknown = family.evaluator.ids.filter((id) => !ids.includes(id));
  if (unknown.length)
    throw new Error(
      `registerMetric: evaluator '${family.evaluator.family}' produces ${unknown.join(', ')} with no info entry`,
    );
  for (const m of family.info) metricRegistry.register(m);
  EVALUATORS.push(family.evaluator);
}
