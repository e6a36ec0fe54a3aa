import {
  type IceCounts,
  type IdentityCard,
  type IdentityResponse,
  iceAccumulator,
  judgeIdentity,
} from '../../metrics/ice.ts';
import { rowsOf, type ScoreData, type ScoreValue } from './data.ts';
import type { ResponseRow } from './input-schema.ts';
import { toScoreValue } from './sequence-metrics.ts';

/**
 * ICE with the deterministic card judge (metrics/ice.ts) on one model's probe rows of one dataset.
 * Hard excludes probes whose prompt or template names any card's name or maker, whole words,
 * case-insensitive: the paper's "no identity keyword in the prompt" with the keyword list taken
 * from every card (docs/methodology.md#identity-consistency-ice).
 */

const words = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Identity keywords of every card, as word sequences joined by single spaces. */
export function identityKeywords(cards: readonly IdentityCard[]): string[] {
  return [...new Set(cards.flatMap((c) => [c.name, c.maker]).map((v) => words(v).join(' ')))].filter(Boolean);
}

/** True when any text names a card's model name or maker as whole words. */
export function namesIdentity(keywords: readonly string[], ...texts: (string | undefined)[]): boolean {
  return texts.some((t) => {
    if (!t) return false;
    const padded = ` ${words(t).join(' ')} `;
    return keywords.some((k) => padded.includes(` ${k} `));
  });
}

export function identityResponse(r: ResponseRow, keywords: readonly string[]): IdentityResponse {
  return {
    model: r.model,
    probeId: r.probe ?? r.promptId,
    template: r.template,
    namesModelOrMaker: namesIdentity(keywords, r.prompt, r.template),
    response: r.response,
  };
}

export interface IceCardResult {
  values: ScoreValue[];
  counts: IceCounts;
}

export function iceCardMetrics(
  data: ScoreData,
  cards: readonly IdentityCard[],
  model: string,
  dataset: string,
): IceCardResult | undefined {
  const rows = rowsOf(data, model, dataset, 'probes');
  if (rows.length === 0) return undefined;
  const keywords = identityKeywords(cards);
  const acc = iceAccumulator(cards, model);
  const responses = rows.map((r) => identityResponse(r, keywords));
  const counts = responses.reduce(acc.update, acc.empty());
  // ICE's denominator is every probe response, so each rate is the mean of a 0/1 per probe: the
  // same judgement the accumulator counts (judgeIdentity with default options).
  const judged = responses.map((r) => judgeIdentity(cards, r));
  const flag: Record<string, (j: (typeof judged)[number]) => boolean> = {
    'ice-loose': (j) => j.j1,
    'ice-strict': (j) => j.j1 && j.j2,
    'ice-hard': (j) => j.hard,
  };
  const at = { model, task: dataset, split: 'probes' as const };
  const values = acc.compute(counts).map((v) => {
    const f = flag[v.metric];
    const units = f
      ? rows.map((r, i) => ({ unit: r.promptId, stratum: dataset, value: f(judged[i]) ? 1 : 0 }))
      : undefined;
    return { ...toScoreValue(v, at), ...(units ? { units } : {}) };
  });
  return { values, counts };
}
