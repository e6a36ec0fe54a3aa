import { Registry } from '../harness/registry.ts';
import type { MetricInfo } from './types.ts';

/** Every metric by id: direction (for reports and the gate), default tolerance, signature. */
export const metricRegistry = new Registry<MetricInfo>('metric');
