import { describe, expect, it } from 'vitest';
import { metricRegistry } from './index.ts';
import { iceJudgeSignature, rseJudgeSignature } from './judge.ts';

describe('judge metrics', () => {
  it('RSE judge signature has the form the issue specifies', () => {
    // Issue [I]: `rse|judge:<model>|ref:<model>|prompt:v1|scale:1-5|agg:macro`.
    expect(rseJudgeSignature('gpt-x', 'teacher-a', 'v1', 'macro')).toBe(
      'rse|judge:gpt-x|ref:teacher-a|prompt:v1|scale:1-5|agg:macro',
    );
    expect(iceJudgeSignature('gpt-x', 'v1')).toBe('ice|judge:gpt-x|prompt:v1|j2:cards|agg:mean');
  });

  it('are registered with the direction the gate needs', () => {
    // The 1-5 similarity rises with distillation; ICE counts contradictions, so lower is better.
    expect(metricRegistry.get('rse-judge').direction).toBe('higher');
    expect(metricRegistry.get('rse-judge-logic').direction).toBe('higher');
    expect(metricRegistry.get('ice-judge-strict').direction).toBe('lower');
  });
});
