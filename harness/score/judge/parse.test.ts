import { describe, expect, it } from 'vitest';
import { parseBinaryTag, parseRseJudgment } from './parse.ts';

describe('judge output parsing', () => {
  it("reads the RSE JSON block: strings or numbers, '5/5' or '5'", () => {
    const text =
      'Style: 2\nLogic: 1\n```json\n{"style_score":"2","logical_score":"1","content_score":"0","overview_score":"4/5"}\n```';
    expect(parseRseJudgment(text)).toEqual({ overall: 4, style: 2, logic: 1, content: 0 });
    expect(
      parseRseJudgment('{"style_score":2,"logical_score":2,"content_score":2,"overview_score":5}'),
    ).toEqual({ overall: 5, style: 2, logic: 2, content: 2 });
    expect(parseRseJudgment('{"overview_score":"3"}')).toEqual({
      overall: 3,
      style: undefined,
      logic: undefined,
      content: undefined,
    });
  });

  it('takes the last block with an overview score (explanations may quote an example)', () => {
    const text = 'Format is {"overview_score":"5/5"} for identical answers. Here: {"overview_score":"2/5"}';
    expect(parseRseJudgment(text)?.overall).toBe(2);
  });

  it('returns undefined for anything else: no block, broken JSON, out-of-range score', () => {
    for (const bad of [
      '',
      'I think they are similar. 4/5',
      '{"overview_score": }',
      '{"overview_score":"7/5"}',
      '{"overview_score":"0"}',
      '{"style_score":"2"}',
      '{"overview_score":"high"}',
    ]) {
      expect(parseRseJudgment(bad), bad).toBeUndefined();
    }
  });

  it('drops out-of-range aspect scores but keeps the overall score', () => {
    expect(
      parseRseJudgment('{"style_score":"3","logical_score":"x","content_score":"1","overview_score":"4/5"}'),
    ).toEqual({ overall: 4, style: undefined, logic: undefined, content: 1 });
  });

  it('reads the last <judge>/<rate> tag as 0/1; anything else is unparseable', () => {
    expect(parseBinaryTag('analysis… <judge>1</judge>', 'judge')).toBe(true);
    expect(parseBinaryTag('<judge>1</judge> on reflection <judge> 0 </judge>', 'judge')).toBe(false);
    expect(parseBinaryTag('<rate>1</rate>', 'rate')).toBe(true);
    expect(parseBinaryTag('<judge>yes</judge>', 'judge')).toBeUndefined();
    expect(parseBinaryTag('judge: 1', 'judge')).toBeUndefined();
    expect(parseBinaryTag('<rate>1</rate>', 'judge')).toBeUndefined();
  });
});
