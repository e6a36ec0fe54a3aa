import { defineFamily } from './family.ts';
import type { MetricInfo } from './types.ts';

/**
 * Metrics scored by an LLM judge (`distill-bench score --judge`). Calling the judge is I/O, so it
 * lives in harness/score/judge; this file only owns their ids, directions and signatures so that
 * reports, `list metrics` and the gate know them like every other metric. A signature names the judge
 * model, the reference model and the prompt version: two judges' numbers are never compared.
 */
export const rseJudgeSignature = (judge: string, ref: string, prompt: string, agg = 'mean') =>
  `rse|judge:${judge}|ref:${ref}|prompt:${prompt}|scale:1-5|agg:${agg}`;
export const rseAspectSignature = (aspect: string, judge: string, ref: string, prompt: string) =>
  `rse-judge-${aspect}|judge:${judge}|ref:${ref}|prompt:${prompt}|scale:0-2|agg:mean`;
export const iceJudgeSignature = (judge: string, prompt: string) =>
  `ice|judge:${judge}|prompt:${prompt}|j2:cards|agg:mean`;

const judge = '<judge-model>';
const ref = '<reference-model>';
const prompt = '<prompt-version>';

export const info: MetricInfo[] = [
  {
    id: 'rse-judge',
    family: 'rse-judge',
    direction: 'higher',
    description:
      "LLM-judge response similarity to the reference model's answer, 1-5 (Lee et al. 2025 RSE prompt).",
    signature: rseJudgeSignature(judge, ref, prompt),
    tolerance: 0.2,
  },
  ...(['style', 'logic', 'content'] as const).map(
    (aspect): MetricInfo => ({
      id: `rse-judge-${aspect}`,
      family: 'rse-judge',
      direction: 'higher',
      description: `LLM-judge similarity of ${aspect === 'logic' ? 'logical structure' : aspect === 'content' ? 'content detail' : 'style'}, 0-2.`,
      signature: rseAspectSignature(aspect, judge, ref, prompt),
      tolerance: 0.1,
    }),
  ),
  ...(
    [
      ['loose', 'J1: the response contradicts its own card'],
      ['strict', 'J1 and J2: contradicts and attributes another card'],
      ['hard', 'strict, on probes naming no model or maker'],
    ] as const
  ).map(
    ([name, what]): MetricInfo => ({
      id: `ice-judge-${name}`,
      family: 'ice-judge',
      direction: 'lower',
      description: `Identity consistency by LLM judge (${what}); share of probe responses.`,
      signature: iceJudgeSignature(judge, prompt),
      tolerance: 0.02,
    }),
  ),
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['judge', 'teacher'],
  idNeeds: {
    'ice-judge-loose': ['judge', 'cards'],
    'ice-judge-strict': ['judge', 'cards'],
    'ice-judge-hard': ['judge', 'cards'],
  },
  signatureFields: ['judge', 'prompt', 'agg'],
});
