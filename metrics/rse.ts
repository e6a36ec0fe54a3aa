/**
 * RSE, response similarity of a student to its teacher on the same prompts (Lee et al., ACL 2025;
 * docs/methodology.md#response-similarity-rse). The paper's RSE is an LLM judge's 1-5 score. Without a judge this file
 * gives token and sequence proxies and an aggregate on the same 1-5 scale, always
 * labelled `rse-proxy` (never `rse-judge`: the numbers are not comparable with the paper's).
 *
 * Token level (teacher-forced on the teacher's response): top-1 agreement of the next-token
 * distributions and their mean Jensen-Shannon divergence in nats, micro-averaged over positions.
 * Sequence level: ROUGE-L F1 (target = teacher), chrF and sentence BLEU (hypothesis = student,
 * reference = teacher), averaged over prompts.
 *
 * RSE-proxy = 1 + 4 · mean(ROUGE-L F1, chrF/100, BLEU/100[, top-1 agreement]), equal weights.
 * Why these: the judge scores three aspects, and each proxy leans on one of them: chrF (character
 * n-grams: word choice, punctuation) on style, ROUGE-L (longest common subsequence: order of ideas)
 * on logical structure, BLEU (word n-grams up to 4: shared phrases) on content detail; top-1 agreement
 * is the distillation-specific signal of what the student would say next. Why equal weights: the
 * judge's overall score has no formula and no judge data exists here to fit weights against, and
 * unequal weights would pretend to a calibration we do not have. Each component is in [0, 1], so the
 * map is monotone in every component, 1 when nothing matches and 5.0 exactly when everything does.
 * Top-1 joins only when token data was given; the weights are in the signature.
 */

import { bleuSignature, sentenceBleu } from './bleu.ts';
import { chrf, chrfSignature } from './chrf.ts';
import { argmax, type Dist, jsDivergence } from './distributions.ts';
import { defineFamily } from './family.ts';
import { rougeL, rougeSignature } from './rouge.ts';
import type { Accumulator, MetricInfo, MetricValue } from './types.ts';

/** Next-token distributions of student and teacher at the same positions of one teacher response. */
export interface TokenDists {
  student: readonly Dist[];
  teacher: readonly Dist[];
  /** 1 = score this position (e.g. response tokens), 0 = skip (prompt, padding). Absent = all. */
  mask?: ArrayLike<number>;
}

export interface RseInput {
  studentResponse: string;
  teacherResponse: string;
  tokens?: TokenDists;
}

export interface RseStats {
  pairs: number;
  rougeL: number;
  chrf: number;
  bleu: number;
  positions: number;
  agree: number;
  jsd: number;
}

/**
 * One RSE number on the paper's 1-5 scale. A judge-based RSE (docs/methodology.md#llm-judge: per-dataset mean of
 * `overall`, macro average over datasets, aspects style/logic/content in 0-2) fills the same shape
 * with source 'judge' and the aspect means in `components`.
 */
export interface RseScore {
  source: 'proxy' | 'judge';
  score: number;
  scale: '1-5';
  components: Record<string, number>;
  signature: string;
}

export interface SequenceSimilarity {
  rougeL: number;
  chrf: number;
  bleu: number;
}

/**
 * Sequence proxies in [0, 1]. Identical strings score 1 on every proxy by definition (the paper's
 * reference-vs-itself row is 5.000): BLEU and chrF give 0 for empty strings, and ROUGE-L drops
 * strings without letters or digits, which would make two identical non-answers look dissimilar.
 */
export function sequenceSimilarity(student: string, teacher: string): SequenceSimilarity {
  if (student === teacher) return { rougeL: 1, chrf: 1, bleu: 1 };
  return {
    rougeL: rougeL(teacher, student).fmeasure,
    chrf: chrf(student, [teacher]) / 100,
    bleu: sentenceBleu(student, [teacher]) / 100,
  };
}

/** Top-1 agreements, scored positions and summed JSD over one response. */
export function tokenAgreement(t: TokenDists): { positions: number; agree: number; jsd: number } {
  if (t.student.length !== t.teacher.length) {
    throw new RangeError(
      `student has ${t.student.length} positions, teacher ${t.teacher.length}; they must be the same text`,
    );
  }
  if (t.mask && t.mask.length !== t.teacher.length)
    throw new RangeError(`mask has ${t.mask.length} entries for ${t.teacher.length} positions`);
  let positions = 0;
  let agree = 0;
  let jsd = 0;
  for (let i = 0; i < t.teacher.length; i++) {
    if (t.mask && !t.mask[i]) continue;
    positions++;
    if (argmax(t.student[i]) === argmax(t.teacher[i])) agree++;
    jsd += jsDivergence(t.student[i], t.teacher[i]);
  }
  return { positions, agree, jsd };
}

const WEIGHTS_SEQ = { rougeL: 1, chrf: 1, bleu: 1 } as const;

/** Each component's signature ends with the signature of the metric it is computed with. */
export const RSE_SIGNATURES = {
  rougeL: `rse-rougeL|target:teacher|mean:prompts|${rougeSignature('rougeL')}`,
  chrf: `rse-chrf|ref:teacher|mean:prompts|${chrfSignature(1)}`,
  bleu: `rse-bleu|ref:teacher|mean:prompts|${bleuSignature(1, { effectiveOrder: true })}`,
  top1: 'rse-top1|teacher-forced|ties:lowest-index|micro:positions|v1',
  jsd: 'rse-jsd|teacher-forced|log:e|micro:positions|v1',
};

export function rseProxySignature(withTokens: boolean): string {
  const w = withTokens ? 'rougeL=1,chrf=1,bleu=1,top1=1' : 'rougeL=1,chrf=1,bleu=1';
  return `rse-proxy|source:proxy|w:${w}|map:1+4x|identical:max|v1`;
}

/** The 1-5 proxy from component means in [0, 1]; top1 joins when defined. */
export function rseProxy(c: SequenceSimilarity & { top1?: number }): RseScore {
  const parts: [string, number, number][] = [
    ['rougeL', c.rougeL, WEIGHTS_SEQ.rougeL],
    ['chrf', c.chrf, WEIGHTS_SEQ.chrf],
    ['bleu', c.bleu, WEIGHTS_SEQ.bleu],
  ];
  const withTokens = c.top1 !== undefined && !Number.isNaN(c.top1);
  if (withTokens) parts.push(['top1', c.top1!, 1]);
  const wsum = parts.reduce((s, p) => s + p[2], 0);
  const x = parts.reduce((s, p) => s + p[1] * p[2], 0) / wsum;
  return {
    source: 'proxy',
    score: 1 + 4 * x,
    scale: '1-5',
    components: Object.fromEntries(parts.map((p) => [p[0], p[1]])),
    signature: rseProxySignature(withTokens),
  };
}

export function rseAccumulator(): Accumulator<RseStats, RseInput> {
  return {
    empty: () => ({ pairs: 0, rougeL: 0, chrf: 0, bleu: 0, positions: 0, agree: 0, jsd: 0 }),
    update(s, x) {
      const seq = sequenceSimilarity(x.studentResponse, x.teacherResponse);
      const tok = x.tokens ? tokenAgreement(x.tokens) : { positions: 0, agree: 0, jsd: 0 };
      return {
        pairs: s.pairs + 1,
        rougeL: s.rougeL + seq.rougeL,
        chrf: s.chrf + seq.chrf,
        bleu: s.bleu + seq.bleu,
        positions: s.positions + tok.positions,
        agree: s.agree + tok.agree,
        jsd: s.jsd + tok.jsd,
      };
    },
    merge: (a, b) => ({
      pairs: a.pairs + b.pairs,
      rougeL: a.rougeL + b.rougeL,
      chrf: a.chrf + b.chrf,
      bleu: a.bleu + b.bleu,
      positions: a.positions + b.positions,
      agree: a.agree + b.agree,
      jsd: a.jsd + b.jsd,
    }),
    compute(s): MetricValue[] {
      const mean = (v: number) => (s.pairs ? v / s.pairs : Number.NaN);
      const top1 = s.positions ? s.agree / s.positions : Number.NaN;
      const proxy = rseProxy({ rougeL: mean(s.rougeL), chrf: mean(s.chrf), bleu: mean(s.bleu), top1 });
      const pairs = { pairs: s.pairs };
      const out: MetricValue[] = [
        {
          metric: 'rse-proxy',
          value: s.pairs ? proxy.score : Number.NaN,
          signature: proxy.signature,
          detail: { ...pairs, ...proxy.components },
        },
        { metric: 'rse-rougeL', value: mean(s.rougeL), signature: RSE_SIGNATURES.rougeL, detail: pairs },
        { metric: 'rse-chrf', value: 100 * mean(s.chrf), signature: RSE_SIGNATURES.chrf, detail: pairs },
        { metric: 'rse-bleu', value: 100 * mean(s.bleu), signature: RSE_SIGNATURES.bleu, detail: pairs },
      ];
      if (s.positions) {
        const positions = { positions: s.positions };
        out.push(
          { metric: 'rse-top1', value: top1, signature: RSE_SIGNATURES.top1, detail: positions },
          { metric: 'rse-jsd', value: s.jsd / s.positions, signature: RSE_SIGNATURES.jsd, detail: positions },
        );
      }
      return out;
    },
  };
}

const rseInfo = (
  id: string,
  direction: 'higher' | 'lower',
  tolerance: number,
  signature: string,
  description: string,
): MetricInfo => ({
  id,
  family: 'rse',
  direction,
  description,
  signature,
  tolerance,
});

// Similarity to the teacher is what distillation optimizes, so higher is better (lower for JSD).
export const info: MetricInfo[] = [
  rseInfo(
    'rse-proxy',
    'higher',
    0.1,
    rseProxySignature(true),
    'RSE proxy on the 1-5 scale: 1 + 4 x mean(ROUGE-L F1, chrF/100, BLEU/100, top-1 agreement).',
  ),
  rseInfo(
    'rse-top1',
    'higher',
    0.02,
    RSE_SIGNATURES.top1,
    'Teacher-forced top-1 next-token agreement with the teacher.',
  ),
  rseInfo(
    'rse-jsd',
    'lower',
    0.01,
    RSE_SIGNATURES.jsd,
    'Mean Jensen-Shannon divergence (nats) of student and teacher next-token distributions.',
  ),
  rseInfo(
    'rse-rougeL',
    'higher',
    0.02,
    RSE_SIGNATURES.rougeL,
    "ROUGE-L F1 of the student's response against the teacher's (0-1).",
  ),
  rseInfo(
    'rse-chrf',
    'higher',
    2,
    RSE_SIGNATURES.chrf,
    "chrF of the student's response against the teacher's (0-100).",
  ),
  rseInfo(
    'rse-bleu',
    'higher',
    2,
    RSE_SIGNATURES.bleu,
    "Sentence BLEU of the student's response against the teacher's (0-100).",
  ),
];

/** This file's metric family: what it needs and its signature fields (metrics/family.ts). */
export const family = defineFamily(info, {
  needs: ['teacher'],
  signatureFields: [],
});
