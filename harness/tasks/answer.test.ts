import { describe, expect, it } from 'vitest';
import { answerOf, sameAnswer } from './answer.ts';
import { arithmeticRationales } from './arithmetic-rationales.ts';

describe('sameAnswer', () => {
  it('compares the trimmed whole response when the task has no extractor', () => {
    expect(sameAnswer({}, ' cba ', 'cba')).toBe(true);
    expect(sameAnswer({}, 'cb', 'cba')).toBe(false);
  });
  it("compares the task's extracted answers (the text after the last '#')", () => {
    expect(sameAnswer(arithmeticRationales, '2+3=5 # 5', '3+2=5 #5')).toBe(true);
    expect(sameAnswer(arithmeticRationales, '2+3=6 # 6', '2+3=5 # 5')).toBe(false);
    expect(answerOf(arithmeticRationales)('x # 12 ')).toBe('12');
  });
});
