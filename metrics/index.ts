import * as accuracy from './accuracy.ts';
import * as bleu from './bleu.ts';
import * as chrf from './chrf.ts';
import * as conflict from './conflict.ts';
import * as editDistance from './edit-distance.ts';
import type { MetricFamily } from './family.ts';
import * as goldNll from './gold-nll.ts';
import * as homogenization from './homogenization.ts';
import * as ice from './ice.ts';
import * as judge from './judge.ts';
import { metricRegistry } from './registry.ts';
import * as rouge from './rouge.ts';
import * as rse from './rse.ts';
import * as ter from './ter.ts';

/**
 * Every metric family, one line each: each file exports `info` (its registry entries) and `family`
 * (what it needs, its signature fields). Registering them all here keeps ids unique.
 */
export const metricFamilies: readonly MetricFamily[] = [
  accuracy.family,
  goldNll.family,
  conflict.family,
  ice.family,
  rse.family,
  homogenization.family,
  judge.family,
  // Text metrics: the edit-distance family (WER, MER, WIL, WIP, CER, PER), BLEU, chrF, ROUGE.
  editDistance.family,
  bleu.family,
  chrf.family,
  rouge.family,
  ter.family,
];
for (const f of metricFamilies) for (const m of f.metrics) metricRegistry.register(m);

/** The family that defines a registered metric id. */
export function familyOf(id: string): MetricFamily | undefined {
  return metricFamilies.find((f) => f.metrics.some((m) => m.id === id));
}

export { directionOf } from './registry.ts';
export { metricRegistry };
