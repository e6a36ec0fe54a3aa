/**
 * Knowledge conflict, as defined in docs/methodology.md ("Knowledge conflict"): the share of the
 * supervision a technique trained on whose answer contradicts the gold answer, and the student's
 * accuracy split by whether the teacher profiles' answers to an example disagree. Answers are
 * compared with the task's extractor, trimmed (harness/tasks/answer.ts); the split accuracies are
 * accuracy.ts values and carry its signature.
 */

import type { Extractor } from './accuracy.ts';
import { defineFamily } from './family.ts';
import type { MetricInfo, MetricValue } from './types.ts';

export function supervisionConflictSignature(extractName: string): string {
  return `conflict-supervision|vs:gold|extract:${extractName}|v1`;
}

/** True when the profiles' answers to an example disagree; undefined when the example has none. */
export function profilesDisagree(
  profileAnswers: Readonly<Record<string, string>> | undefined,
): boolean | undefined {
  return profileAnswers ? new Set(Object.values(profileAnswers)).size > 1 : undefined;
}

/**
 * Share of supervision rows (by example id) whose extracted answer differs from the gold one; rows
 * whose id has no gold example are left out. 0 when nothing is left.
 */
export function supervisionConflict(
  supervision: readonly { id: string; response: string }[],
  gold: readonly { id: string; response: string }[],
  extract: Extractor,
  extractName: string,
): MetricValue {
  const golds = new Map(gold.map((e) => [e.id, extract(e.response)]));
  const sup = supervision.filter((e) => golds.has(e.id));
  const bad = sup.filter((e) => extract(e.response) !== golds.get(e.id)).length;
  return {
    metric: 'conflict-supervision',
    value: sup.length ? bad / sup.length : 0,
    signature: supervisionConflictSignature(extractName),
    detail: { examples: sup.length, contradicting: bad },
  };
}

const conflictInfo = (
  id: string,
  direction: 'higher' | 'lower',
  tolerance: number,
  signature: string,
  description: string,
): MetricInfo => ({ id, family: 'conflict', direction, description, signature, tolerance });

export const info: MetricInfo[] = [
  conflictInfo(
    'conflict-supervision',
    'lower',
    0.02,
    supervisionConflictSignature('trim'),
    'Share of training examples whose supervision contradicts the gold answer.',
  ),
  conflictInfo(
    'acc-conflicted',
    'higher',
    0.05,
    'accuracy|match:exact|extract:trim|v1',
    "Student accuracy on test examples where the teacher profiles' answers disagree.",
  ),
  conflictInfo(
    'acc-agreed',
    'higher',
    0.02,
    'accuracy|match:exact|extract:trim|v1',
    "Student accuracy on test examples where the teacher profiles' answers agree.",
  ),
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: [],
  idNeeds: {
    'conflict-supervision': ['supervision'],
    'acc-conflicted': ['gold', 'profile-answers'],
    'acc-agreed': ['gold', 'profile-answers'],
  },
  signatureFields: ['extract'],
});
