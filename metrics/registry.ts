import { Registry } from '../harness/registry.ts';
import type { MetricInfo } from './types.ts';

/** Every metric by id: direction (for reports and the gate), default tolerance, signature. */
export const metricRegistry = new Registry<MetricInfo>('metric');

/** A metric's better direction from the registry; `fallback` for ids it does not know (e.g. ad-hoc rows). */
export function directionOf(metric: string, fallback: 'higher' | 'lower' = 'higher'): 'higher' | 'lower' {
  return metricRegistry.has(metric) ? metricRegistry.get(metric).direction : fallback;
}
