import { describe, expect, it } from 'vitest';
import { sentenceBleu } from './bleu.ts';
import { chrf } from './chrf.ts';
import { rougeL } from './rouge.ts';
import { type RseInput, rseAccumulator, rseProxy, sequenceSimilarity, tokenAgreement } from './rse.ts';

const byMetric = (vs: { metric: string; value: number }[]) =>
  Object.fromEntries(vs.map((v) => [v.metric, v.value]));
const run = (inputs: RseInput[]) => {
  const acc = rseAccumulator();
  return acc.compute(inputs.reduce(acc.update, acc.empty()));
};

const teacherText = 'To add fractions, first find a common denominator, then add the numerators.';

describe('RSE proxy', () => {
  it('is 5.0 when the student answers exactly like the teacher (the paper: reference vs itself = 5.000)', () => {
    const dists = [
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
    ];
    const vs = run([
      {
        studentResponse: teacherText,
        teacherResponse: teacherText,
        tokens: { student: dists, teacher: dists },
      },
      { studentResponse: 'Paris.', teacherResponse: 'Paris.' },
    ]);
    expect(byMetric(vs)).toMatchObject({
      'rse-proxy': 5,
      'rse-top1': 1,
      'rse-jsd': 0,
      'rse-rougeL': 1,
      'rse-chrf': 100,
      'rse-bleu': 100,
    });
    // The identical-string rule agrees with the metrics themselves on ordinary text.
    expect(rougeL(teacherText, teacherText).fmeasure).toBe(1);
    expect(chrf(teacherText, [teacherText])).toBeCloseTo(100, 10);
    expect(sentenceBleu(teacherText, [teacherText])).toBeCloseTo(100, 10);
  });

  it('is 1.0 when nothing matches', () => {
    // No shared word, character or top-1 token: every component is 0 → 1 + 4·0.
    const vs = run([
      {
        studentResponse: 'xyz qqq',
        teacherResponse: 'abc def',
        tokens: { student: [[1, 0]], teacher: [[0, 1]] },
      },
    ]);
    expect(byMetric(vs)).toMatchObject({
      'rse-proxy': 1,
      'rse-top1': 0,
      'rse-rougeL': 0,
      'rse-chrf': 0,
      'rse-bleu': 0,
    });
    expect(byMetric(vs)['rse-jsd']).toBeCloseTo(Math.LN2, 14);
  });

  it('maps component means by 1 + 4 · (equal-weight mean)', () => {
    // (0.5 + 0.25 + 0) / 3 = 0.25 → 2.0; with top-1 = 1: (0.75 + 1) / 4 = 0.4375 → 2.75.
    expect(rseProxy({ rougeL: 0.5, chrf: 0.25, bleu: 0 }).score).toBe(2);
    const withTokens = rseProxy({ rougeL: 0.5, chrf: 0.25, bleu: 0, top1: 1 });
    expect(withTokens.score).toBe(2.75);
    expect(withTokens.source).toBe('proxy');
    expect(withTokens.signature).toContain('top1=1');
    expect(rseProxy({ rougeL: 0.5, chrf: 0.25, bleu: 0 }).signature).not.toContain('top1');
  });

  it('falls as the student drifts from the teacher', () => {
    const oneWord = 'To add fractions, first find a common denominator, then sum the numerators.';
    const many = 'To multiply fractions, just multiply the tops and the bottoms.';
    const score = (s: string) =>
      byMetric(run([{ studentResponse: s, teacherResponse: teacherText }]))['rse-proxy'];
    expect(score(oneWord)).toBeLessThan(5);
    expect(score(many)).toBeLessThan(score(oneWord));
    expect(score(many)).toBeGreaterThan(1);
  });

  it('ROUGE-L uses the teacher as target (hand case)', () => {
    // LCS("the cat sat", "the cat sat on the mat") = 3: precision 3/3, recall 3/6 → F1 = 2/3.
    expect(sequenceSimilarity('the cat sat', 'the cat sat on the mat').rougeL).toBeCloseTo(2 / 3, 12);
  });
});

describe('token level', () => {
  it('top-1 agreement and JSD over unmasked positions (hand case)', () => {
    const student = [
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.5, 0.5, 0],
      [0, 0, 1],
    ];
    const teacher = [
      [0.6, 0.3, 0.1],
      [0.9, 0.05, 0.05],
      [0.5, 0.5, 0],
      [1, 0, 0],
    ];
    // Position 4 is masked out. argmax student 0, 1, 0 (tie → lowest); teacher 0, 0, 0 → 2 of 3 agree.
    const t = tokenAgreement({ student, teacher, mask: [1, 1, 1, 0] });
    expect(t.positions).toBe(3);
    expect(t.agree).toBe(2);
    // JSD = ½ Σ p ln(2p/(p+q)) + ½ Σ q ln(2q/(p+q)); position 3 is identical (0).
    const js = (p: number[], q: number[]) =>
      0.5 * p.reduce((s, pi, i) => s + pi * Math.log((2 * pi) / (pi + q[i])), 0) +
      0.5 * q.reduce((s, qi, i) => s + qi * Math.log((2 * qi) / (p[i] + qi)), 0);
    expect(t.jsd).toBeCloseTo(js(student[0], teacher[0]) + js(student[1], teacher[1]), 12);
    expect(() => tokenAgreement({ student: student.slice(1), teacher })).toThrow(/same text/);
  });

  it('merges shards exactly and reports micro averages', () => {
    const acc = rseAccumulator();
    const a: RseInput = {
      studentResponse: 'a b',
      teacherResponse: 'a b',
      tokens: {
        student: [
          [1, 0],
          [1, 0],
        ],
        teacher: [
          [1, 0],
          [0, 1],
        ],
      },
    };
    const b: RseInput = {
      studentResponse: 'c',
      teacherResponse: 'd',
      tokens: { student: [[0, 1]], teacher: [[0, 1]] },
    };
    const merged = acc.merge(acc.update(acc.empty(), a), acc.update(acc.empty(), b));
    expect(merged).toEqual(acc.update(acc.update(acc.empty(), a), b));
    // 2 of 3 positions agree (micro), not the mean of 1/2 and 1/1.
    expect(byMetric(acc.compute(merged))['rse-top1']).toBeCloseTo(2 / 3, 15);
  });

  it('without token data, only sequence metrics are reported', () => {
    const ids = run([{ studentResponse: 'x', teacherResponse: 'x' }]).map((v) => v.metric);
    expect(ids).toEqual(['rse-proxy', 'rse-rougeL', 'rse-chrf', 'rse-bleu']);
  });
});
