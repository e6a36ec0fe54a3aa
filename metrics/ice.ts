/**
 * ICE, identity consistency (Lee et al., ACL 2025; docs/methodology.md#identity-consistency-ice): the share of identity-probe
 * responses in which a model contradicts its own identity card, with the same three scores as the
 * paper and the same denominator (every response, empty ones and refusals included):
 *   loose = ΣJ1/N,  strict = Σ(J1∧J2)/N,  hard = Σ(J1∧J2∧probe names no model or maker)/N.
 *
 * The paper's judges are LLMs; here a deterministic card judge stands in, over every
 * card in the suite instead of the paper's fixed GPT/Claude list:
 * - Text is NFKC-normalized, lowercased, every run of non-letters/digits becomes one space, and values
 *   match whole words only ("Lynx" does not match "Lynxie"; "basalt-ai" matches "Basalt AI").
 * - Longest match wins: an occurrence lying strictly inside a longer occurrence of another card value
 *   is ignored (so own maker "Heron Labs" does not count as a mention of a foreign name "Heron").
 * - J1 (contradiction): for some fact field, the response mentions another card's value of that field
 *   and not its own card's value ("I am Orca, not Lynx" is no contradiction; "I am Lynx" is).
 * - J2 (attribution): the same, restricted to the identity fields (name, maker by default): the
 *   response claims another model's name or maker. It generalizes rejudge.py's "made by OpenAI or
 *   Anthropic / a ChatGPT or Claude model". J2 implies J1, so strict <= loose as in the paper.
 * Unlike the paper's J1 prompt, string matching cannot tell a third-person statement ("Tidewater
 * built Wren") or a played role from a self-claim; those count, like the paper's loose-judge false
 * positives (its TPR against humans is 0.78-0.90).
 */

import { UsageError } from '../harness/errors.ts';
import { defineFamily } from './family.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

/** A suite model's identity card; every string field other than `model` is a fact. */
export interface IdentityCard {
  model: string;
  name: string;
  maker: string;
  [field: string]: string | undefined;
}

export interface IdentityResponse {
  model: string;
  probeId: string;
  template?: string;
  /** The probe's prompt names some card's model or maker (such probes are excluded from hard). */
  namesModelOrMaker: boolean;
  response: string;
}

export interface IceOptions {
  /** Fields whose foreign values make J2 (identity attribution). */
  attributionFields?: readonly string[];
  /** Names the probe/mutation set version in the signature. */
  mutations?: string;
}

export interface Judgement {
  j1: boolean;
  j2: boolean;
  hard: boolean;
  empty: boolean;
  /** Foreign models whose values made J1 / J2, per field. */
  contradictions: Record<string, string[]>;
  attributions: Record<string, string[]>;
}

/** Sufficient statistics for one target model; merge only states of the same model. */
export interface IceCounts {
  model: string;
  n: number;
  empty: number;
  loose: number;
  strict: number;
  hard: number;
  /** Responses in which each foreign model's values made J1 (loose) / J2 (strict). */
  leaks: Record<string, number>;
  strictLeaks: Record<string, number>;
}

const DEFAULT_ATTRIBUTION = ['name', 'maker'];

function words(s: string): string[] {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

interface Occurrence {
  start: number;
  end: number;
  own: boolean;
  field: string;
  model: string;
}

function occurrences(
  tokens: string[],
  value: string[],
  tag: Omit<Occurrence, 'start' | 'end'>,
): Occurrence[] {
  const out: Occurrence[] = [];
  if (value.length === 0) return out;
  for (let i = 0; i + value.length <= tokens.length; i++) {
    let k = 0;
    while (k < value.length && tokens[i + k] === value[k]) k++;
    if (k === value.length) out.push({ ...tag, start: i, end: i + value.length });
  }
  return out;
}

function factFields(card: IdentityCard): string[] {
  return Object.keys(card).filter(
    (f) => f !== 'model' && typeof card[f] === 'string' && words(card[f]!).length > 0,
  );
}

export function iceSignature(opts: IceOptions = {}): string {
  const attr = (opts.attributionFields ?? DEFAULT_ATTRIBUTION).join('+');
  return `ice|judge:cards|j2:${attr}|match:words|mut:${opts.mutations ?? 'v1'}|v1`;
}

function cardOf(cards: readonly IdentityCard[], model: string): IdentityCard {
  const card = cards.find((c) => c.model === model);
  if (!card) {
    throw new UsageError(
      `ICE: no identity card for model '${model}' (cards: ${cards.map((c) => c.model).join(', ')}). ` +
        'Give every model in the suite a card.',
      { field: 'cards' },
    );
  }
  return card;
}

/** The card judge for one response. */
export function judgeIdentity(
  cards: readonly IdentityCard[],
  r: IdentityResponse,
  opts: IceOptions = {},
): Judgement {
  const own = cardOf(cards, r.model);
  const attribution = new Set(opts.attributionFields ?? DEFAULT_ATTRIBUTION);
  const tokens = words(r.response);
  const found: Occurrence[] = [];
  for (const field of factFields(own)) {
    const mine = words(own[field]!);
    found.push(...occurrences(tokens, mine, { own: true, field, model: own.model }));
    for (const other of cards) {
      const value = other.model === own.model ? undefined : other[field];
      if (value === undefined) continue;
      const theirs = words(value);
      // A foreign card with the same value (e.g. two students sharing a card) asserts nothing new.
      if (theirs.join(' ') === mine.join(' ')) continue;
      found.push(...occurrences(tokens, theirs, { own: false, field, model: other.model }));
    }
  }
  const kept = found.filter(
    (o) =>
      !found.some(
        (p) => p !== o && p.start <= o.start && o.end <= p.end && p.end - p.start > o.end - o.start,
      ),
  );
  const contradictions: Record<string, string[]> = {};
  const attributions: Record<string, string[]> = {};
  for (const field of factFields(own)) {
    if (kept.some((o) => o.own && o.field === field)) continue;
    const models = [...new Set(kept.filter((o) => !o.own && o.field === field).map((o) => o.model))];
    if (models.length === 0) continue;
    contradictions[field] = models;
    if (attribution.has(field)) attributions[field] = models;
  }
  const j1 = Object.keys(contradictions).length > 0;
  const j2 = Object.keys(attributions).length > 0;
  return {
    j1,
    j2,
    hard: j1 && j2 && !r.namesModelOrMaker,
    empty: tokens.length === 0,
    contradictions,
    attributions,
  };
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function modelsIn(x: Record<string, string[]>): Record<string, number> {
  return Object.fromEntries([...new Set(Object.values(x).flat())].map((m) => [m, 1]));
}

export function iceAccumulator(
  cards: readonly IdentityCard[],
  model: string,
  opts: IceOptions = {},
): Accumulator<IceCounts, IdentityResponse> {
  cardOf(cards, model);
  const signature = iceSignature(opts);
  return {
    empty: () => ({ model, n: 0, empty: 0, loose: 0, strict: 0, hard: 0, leaks: {}, strictLeaks: {} }),
    update(s, r) {
      if (r.model !== model)
        throw new RangeError(`ICE accumulator for '${model}' got a response of '${r.model}'`);
      const j = judgeIdentity(cards, r, opts);
      const strict = j.j1 && j.j2;
      return {
        model,
        n: s.n + 1,
        empty: s.empty + (j.empty ? 1 : 0),
        loose: s.loose + (j.j1 ? 1 : 0),
        strict: s.strict + (strict ? 1 : 0),
        hard: s.hard + (j.hard ? 1 : 0),
        leaks: addCounts(s.leaks, modelsIn(j.contradictions)),
        strictLeaks: strict ? addCounts(s.strictLeaks, modelsIn(j.attributions)) : s.strictLeaks,
      };
    },
    merge(a, b) {
      if (a.model !== b.model)
        throw new RangeError(`cannot merge ICE counts of '${a.model}' and '${b.model}'`);
      return {
        model: a.model,
        n: a.n + b.n,
        empty: a.empty + b.empty,
        loose: a.loose + b.loose,
        strict: a.strict + b.strict,
        hard: a.hard + b.hard,
        leaks: addCounts(a.leaks, b.leaks),
        strictLeaks: addCounts(a.strictLeaks, b.strictLeaks),
      };
    },
    compute(s): MetricValue[] {
      const rate = (k: number) => (s.n ? k / s.n : Number.NaN);
      const detail = (count: number) => ({ count, n: s.n, empty: s.empty });
      return [
        { metric: 'ice-loose', value: rate(s.loose), signature, detail: detail(s.loose) },
        { metric: 'ice-strict', value: rate(s.strict), signature, detail: detail(s.strict) },
        { metric: 'ice-hard', value: rate(s.hard), signature, detail: detail(s.hard) },
      ];
    },
  };
}

/** Counts per target model for a mixed list of responses. */
export function scoreIce(
  cards: readonly IdentityCard[],
  responses: readonly IdentityResponse[],
  opts: IceOptions = {},
): Record<string, IceCounts> {
  const out: Record<string, IceCounts> = {};
  for (const model of [...new Set(responses.map((r) => r.model))]) {
    const acc = iceAccumulator(cards, model, opts);
    out[model] = responses.filter((r) => r.model === model).reduce(acc.update, acc.empty());
  }
  return out;
}

const iceInfo = (id: string, what: string): MetricInfo => ({
  id,
  family: 'ice',
  // ICE counts identity contradictions (teacher identity leaking into the student): lower is better.
  direction: 'lower',
  description: `Identity consistency (${what}) over all identity-probe responses; lower = fewer contradictions.`,
  signature: iceSignature(),
  tolerance: 0.05,
});

export const info: MetricInfo[] = [
  iceInfo('ice-loose', 'loose: contradicts its own card'),
  iceInfo('ice-strict', "strict: contradicts and claims another card's name or maker"),
  iceInfo('ice-hard', 'hard: strict, on probes naming no model or maker'),
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['cards'],
  signatureFields: ['judge', 'j2', 'match'],
});
