/**
 * Contract shared by every metric family (metrics/*.ts). Metrics are pure functions of plain arrays:
 * no tfjs, no I/O. Each family exposes sufficient statistics that merge exactly across examples, seeds
 * and shards (torchmetrics' update/compute split) and a signature string (sacrebleu's idea) that is
 * stored next to every value so numbers computed under different conventions are never compared.
 */
export type Direction = 'higher' | 'lower';

export interface MetricValue {
  metric: string;
  value: number;
  signature: string;
  /** Auxiliary counts (hits, substitutions, ...) or components, when the family has them. */
  detail?: Record<string, number>;
}

/** Sufficient statistics of one metric family; S must be plain JSON so shards can be merged. */
export interface Accumulator<S, Input> {
  empty(): S;
  update(state: S, input: Input): S;
  merge(a: S, b: S): S;
  compute(state: S): MetricValue[];
}

/** Registry entry, printed by `distill-bench list metrics` and used by reports/gate for direction. */
export interface MetricInfo {
  id: string;
  family: string;
  direction: Direction;
  description: string;
  /** Signature under default options. */
  signature: string;
  /** Default gate tolerance (absolute, in the metric's own units). */
  tolerance: number;
  /** The values it can take, so reports clamp intervals into it (an accuracy CI never passes 1). */
  range?: readonly [number, number];
}
