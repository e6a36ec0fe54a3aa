/**
 * A metric family as one definition: the ids it produces (registered in metrics/index.ts with
 * direction and tolerance), what it needs from a run or a score input, and the fields of its
 * signature. The producers (harness/runner/evaluators.ts for runs, harness/score/ for `score`,
 * harness/commands/metric.ts) declare which family they compute, and
 * harness/runner/metric-families.test.ts fails
 * when a registered id has no producer or a produced signature lacks its family's fields.
 * docs/methodology.md ("Adding a metric") walks through one.
 */
import type { MetricInfo, MetricValue } from './types.ts';

/** What a family needs besides the student's responses. */
export type MetricNeed =
  /** Gold responses of the evaluation examples. */
  | 'gold'
  /** A teacher's responses to the same prompts, or its distributions and hidden states. */
  | 'teacher'
  /** The supervision a technique trained on (recorded by the technique). */
  | 'supervision'
  /** The teacher profiles' answers to each example (a task with profiles, e.g. arithmetic-rationales). */
  | 'profile-answers'
  /** Identity cards and probes (the identity task, or `score --cards`). */
  | 'cards'
  /** A judge model's verdicts (`score --judge`). */
  | 'judge';

export const NEED_DOCS: Record<MetricNeed, string> = {
  gold: 'gold responses',
  teacher: "a teacher's outputs on the same prompts (a suite with teachers)",
  supervision: 'the supervision a technique trained on (a suite with teachers)',
  'profile-answers': "teacher profiles' answers per example (a task with profiles)",
  cards: 'identity cards and probes (the identity task)',
  judge: 'a judge (score --judge)',
};

/**
 * A signature split into its fields: `name|key:value|flag|...|vN` (sacrebleu's idea, as fields). A
 * part without ':' is a flag (value ''); the trailing `vN` is the version, absent in older ids.
 */
export interface Signature {
  name: string;
  fields: Map<string, string>;
  version?: number;
}

export function parseSignature(signature: string): Signature | undefined {
  const parts = signature.split('|');
  if (parts.length < 2 || !parts[0] || parts.some((p) => p === '')) return undefined;
  const last = /^v(\d+)$/.exec(parts.at(-1)!);
  const fields = new Map<string, string>();
  for (const p of parts.slice(1, last ? -1 : undefined)) {
    const at = p.indexOf(':');
    if (!fields.has(at < 0 ? p : p.slice(0, at)))
      fields.set(at < 0 ? p : p.slice(0, at), at < 0 ? '' : p.slice(at + 1));
  }
  return { name: parts[0], fields, version: last ? Number(last[1]) : undefined };
}

/** One family's contract. `signatureFields` are the keys every signature it writes must carry. */
export interface MetricFamily {
  family: string;
  metrics: MetricInfo[];
  needs: readonly MetricNeed[];
  /** Extra needs of single ids (acc-conflicted needs profile answers; accuracy only gold). */
  idNeeds?: Readonly<Record<string, readonly MetricNeed[]>>;
  signatureFields: readonly string[];
  /**
   * A corpus score of responses against the gold responses (one each). A family that has it needs
   * no other wiring: runs compute it when a suite asks (harness/runner/evaluators.ts) and
   * `distill-bench metric` scores two files with it (harness/commands/metric.ts).
   */
  againstGold?: (hypotheses: readonly string[], references: readonly string[]) => MetricValue[];
}

/** The needs of one id of a family (family needs plus the id's own). */
export function needsOf(family: MetricFamily, id: string): MetricNeed[] {
  return [...new Set([...family.needs, ...(family.idNeeds?.[id] ?? [])])];
}

/** A family from a metric file's registry entries (they share one `family` name) and its contract. */
export function defineFamily(
  metrics: MetricInfo[],
  contract: Omit<MetricFamily, 'family' | 'metrics'>,
): MetricFamily {
  const names = [...new Set(metrics.map((m) => m.family))];
  const unknown = Object.keys(contract.idNeeds ?? {}).filter((id) => !metrics.some((m) => m.id === id));
  if (unknown.length > 0)
    throw new Error(`defineFamily: idNeeds names ids the family lacks: ${unknown.join(', ')}`);
  return { family: names.join('+'), metrics, ...contract };
}
