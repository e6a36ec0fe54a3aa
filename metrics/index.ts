import * as accuracy from './accuracy.ts';
import * as bleu from './bleu.ts';
import * as chrf from './chrf.ts';
import * as conflict from './conflict.ts';
import * as editDistance from './edit-distance.ts';
import * as homogenization from './homogenization.ts';
import * as ice from './ice.ts';
import * as judge from './judge.ts';
import { metricRegistry } from './registry.ts';
import * as rouge from './rouge.ts';
import * as rse from './rse.ts';

/** Each metric family file exports `info: MetricInfo[]`; registering them all here keeps ids unique. */
for (const m of [
  ...accuracy.info,
  ...conflict.info,
  ...ice.info,
  ...rse.info,
  ...homogenization.info,
  ...judge.info,
])
  metricRegistry.register(m);
// Text metrics: the edit-distance family (WER, MER, WIL, WIP, CER, PER), BLEU, chrF, ROUGE.
for (const m of [...editDistance.info, ...bleu.info, ...chrf.info, ...rouge.info]) metricRegistry.register(m);

export { directionOf } from './registry.ts';
export { metricRegistry };
