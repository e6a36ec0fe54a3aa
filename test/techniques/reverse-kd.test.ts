import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { tf } from '../../harness/engine/tf.ts';
import { UsageError } from '../../harness/errors.ts';
import { labelSmoothing, trainSmoothed } from '../../harness/techniques/label-smoothing.ts';
import {
  epsilonForEntropy,
  meanPredictiveEntropy,
  smoothedCrossEntropy,
  smoothedTargetEntropy,
} from '../../harness/techniques/label-smoothing-loss.ts';
import { reverseKd } from '../../harness/techniques/reverse-kd.ts';
import { teacherForced } from '../../harness/text/teacher-forced.ts';
import { STUDENT, TOY_TOK, toyContext, toyTeacher } from '../helpers/toy-context.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'wasm' });
});

const logRows = (rows: number[][]) => Float32Array.from(rows.flat().map(Math.log));

describe('label-smoothing loss', () => {
  it('equals CE against (1 − ε)·onehot + ε/V on a fixed tensor', () => {
    // V = 2, ε = 0.5, so the smoothed target of class 0 is (0.75, 0.25).
    // Row 1: softmax(0, ln 3) = (1/4, 3/4), gold 0: −0.75·ln(1/4) − 0.25·ln(3/4).
    // Row 2: softmax(1, 1) = (1/2, 1/2): ln 2 whatever the target. Row 3 is masked out.
    const logits = tf.tensor2d([
      [0, Math.log(3)],
      [1, 1],
      [5, -5],
    ]);
    const targets = tf.tensor1d([0, 1, 1], 'int32');
    const mask = tf.tensor1d([1, 1, 0]);
    const row1 = -0.75 * Math.log(1 / 4) - 0.25 * Math.log(3 / 4);
    const expected = (row1 + Math.log(2)) / 2;
    expect(smoothedCrossEntropy(logits, targets, mask, 0.5).dataSync()[0]).toBeCloseTo(expected, 5);
    // ε = 0 is plain CE: (ln 4 + ln 2) / 2.
    expect(smoothedCrossEntropy(logits, targets, mask, 0).dataSync()[0]).toBeCloseTo(
      (Math.log(4) + Math.log(2)) / 2,
      5,
    );
  });
});

describe('epsilon matched to the teacher entropy', () => {
  // V = 4, ε = 0.4: the smoothed target is (1 − 0.4 + 0.1, 0.1, 0.1, 0.1) = (0.7, 0.1, 0.1, 0.1).
  const h = -0.7 * Math.log(0.7) - 3 * 0.1 * Math.log(0.1);

  it('the smoothed target entropy and its inverse, by hand', () => {
    expect(smoothedTargetEntropy(0.4, 4)).toBeCloseTo(h, 12);
    expect(epsilonForEntropy(h, 4)).toBeCloseTo(0.4, 9);
    expect(epsilonForEntropy(0, 4)).toBe(0);
    expect(epsilonForEntropy(Math.log(4), 4)).toBe(1);
  });

  it('a teacher predicting (0.7, 0.1, 0.1, 0.1) at every response token gives ε = 0.4', () => {
    const teacher = [
      logRows([[0.7, 0.1, 0.1, 0.1]]),
      logRows([
        [0.1, 0.7, 0.1, 0.1],
        [0.1, 0.1, 0.1, 0.7],
      ]),
    ];
    const entropy = meanPredictiveEntropy(teacher, 4);
    expect(entropy).toBeCloseTo(h, 6);
    expect(epsilonForEntropy(entropy, 4)).toBeCloseTo(0.4, 5);
  });

  it('averages over positions and applies the temperature', () => {
    // Rows (0.7, 0.1, 0.1, 0.1) and uniform: mean of h and ln 4.
    expect(
      meanPredictiveEntropy(
        [
          logRows([
            [0.7, 0.1, 0.1, 0.1],
            [0.25, 0.25, 0.25, 0.25],
          ]),
        ],
        4,
      ),
    ).toBeCloseTo((h + Math.log(4)) / 2, 6);
    // (0.8, 0.2) at T = 2 is ∝ (√0.8, √0.2) = (2/3, 1/3).
    const t2 = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
    expect(meanPredictiveEntropy([logRows([[0.8, 0.2]])], 2, 2)).toBeCloseTo(t2, 6);
  });
});

describe('reverse-kd', () => {
  const opts = (o: Record<string, unknown> = {}) => reverseKd.options.parse(o);
  const small = { ...STUDENT, dModel: 16 };

  it('needs a teacher smaller than the student unless it is declared defective', () => {
    expect(() => reverseKd.checkModels!(opts(), { student: STUDENT, teachers: [STUDENT] })).toThrow(
      UsageError,
    );
    expect(() => reverseKd.checkModels!(opts(), { student: STUDENT, teachers: [STUDENT] })).toThrow(
      /not fewer than the student's .* Fix: give the teacher a smaller model .* or set defective: true/,
    );
    expect(() => reverseKd.checkModels!(opts(), { student: STUDENT, teachers: [small] })).not.toThrow();
    expect(() =>
      reverseKd.checkModels!(opts({ defective: true }), { student: STUDENT, teachers: [STUDENT] }),
    ).not.toThrow();
  });

  it('records the matched epsilon that label-smoothing then trains with', async () => {
    const teacher = await toyTeacher('gold');
    const ctx = toyContext([teacher], 10);
    const lp = (await teacherForced(teacher.model, TOY_TOK, ctx.labelled)).map((f) => f.logProbs);
    const expected = epsilonForEntropy(meanPredictiveEntropy(lp, STUDENT.vocabSize), STUDENT.vocabSize);
    expect(expected).toBeGreaterThan(0);
    const kd = await reverseKd.train(ctx, opts({ defective: true }));
    expect(kd.cost.extra?.matchedEpsilon).toBeCloseTo(expected, 5);
    expect(kd.cost.lossMagnitudes.kd).toBeGreaterThan(0);
    const ls = await labelSmoothing.train(toyContext([teacher], 10), labelSmoothing.options.parse({}));
    expect(ls.cost.extra?.epsilon).toBeCloseTo(expected, 5);
    kd.student.dispose();
    ls.student.dispose();
  }, 30_000);
});

describe('label smoothing matters', () => {
  it('a smoothed student keeps a flatter next-token distribution than a plain-CE one', async () => {
    const entropyOf = async (eps: number) => {
      const ctx = toyContext([], 60);
      const r = await trainSmoothed(ctx, eps);
      const lp = (await teacherForced(r.student, TOY_TOK, ctx.labelled.slice(0, 64))).map((f) => f.logProbs);
      r.student.dispose();
      return meanPredictiveEntropy(lp, STUDENT.vocabSize);
    };
    const plain = await entropyOf(0);
    const smoothed = await entropyOf(0.3);
    // The smoothed loss is minimized by the smoothed target itself, so the student's entropy should
    // approach that target's (measured: 1.220 against 1.214); plain CE drives it toward 0 (0.044).
    expect(smoothed).toBeGreaterThan(plain + 0.5);
    expect(Math.abs(smoothed - smoothedTargetEntropy(0.3, STUDENT.vocabSize))).toBeLessThan(0.15);
  }, 30_000);
});
