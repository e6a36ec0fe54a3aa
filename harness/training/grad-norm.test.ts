import { describe, expect, it } from 'vitest';
import { loadBackend } from '../engine/backend.ts';
import { tf } from '../engine/tf.ts';
import { sampleHistory } from './curve-trace.ts';
import { AdamTrainer, type StepLog, TrainingOptionsSchema } from './optimizer.ts';

/** loss = 3·a0 + 4·a1 + b², so ∂/∂a = [3, 4] and ∂/∂b = 2b; c is unused (gradient 0). */
async function twoSteps(backend: 'wasm'): Promise<StepLog[]> {
  await loadBackend({ backend });
  const a = tf.variable(tf.tensor1d([1, 2]), true, `gn-a-${backend}`);
  const b = tf.variable(tf.scalar(3), true, `gn-b-${backend}`);
  const c = tf.variable(tf.tensor1d([5, 5, 5]), true, `gn-c-${backend}`);
  const trainer = new AdamTrainer([a, b, c], TrainingOptionsSchema.parse({ steps: 2, warmupSteps: 0 }));
  try {
    const loss = () => {
      const lin = tf.sum(tf.mul(a, tf.tensor1d([3, 4]))) as tf.Scalar;
      const sq = tf.square(b) as tf.Scalar;
      return { total: tf.add(lin, sq) as tf.Scalar, terms: { lin, sq } };
    };
    trainer.minimize(loss);
    trainer.minimize(loss);
    return await trainer.read();
  } finally {
    trainer.dispose();
    tf.dispose([a, b, c]);
  }
}

describe('AdamTrainer records the global gradient norm', () => {
  // wasm: the fused clip+Adam kernel, which computes the norm internally and does not return it.
  for (const backend of ['wasm'] as const)
    it(`is √(Σg²) over every variable's gradient, before clipping (${backend})`, async () => {
      const [first, second] = await twoSteps(backend);
      // By hand: g = [3, 4] for a, 2·3 = 6 for b, nothing for c: √(9 + 16 + 36) = √61 ≈ 7.81,
      // above clipNorm 1, so the norm is the unclipped one.
      expect(first.gradNorm).toBeCloseTo(Math.sqrt(61), 5);
      expect(first.terms).toEqual({ total: 3 + 8 + 9, lin: 11, sq: 9 });
      // The first step moved b (by about lr), so the second step's b part is 2·b with the new b.
      const b1 = Math.sqrt(second.terms.sq);
      expect(b1).toBeLessThan(3);
      expect(second.gradNorm).toBeCloseTo(Math.sqrt(9 + 16 + (2 * b1) ** 2), 4);
      expect(Object.keys(second.terms)).toEqual(['total', 'lin', 'sq']);
    });
});

describe('sampleHistory', () => {
  const log = (step: number, ce: number, kd: number, gradNorm: number): StepLog => ({
    step,
    lr: 0.001 * (step + 1),
    terms: { total: ce + kd, ce, kd },
    gradNorm,
  });

  it('keeps curve as [step, total] and adds lr, terms and gradNorm at the same steps', () => {
    const history = Array.from({ length: 401 }, (_, i) => log(i, 1 / (i + 1), 0.5, i));
    const { curve, trace } = sampleHistory(history);
    // 401 steps / 200 points: every 3rd step, 0 … 399 = 134 points.
    expect(curve.length).toBe(134);
    expect(curve[1]).toEqual([3, +(0.25 + 0.5).toFixed(5)]);
    expect(trace.lr.length).toBe(134);
    expect(trace.lr[1]).toBe(0.004);
    expect(Object.keys(trace.terms)).toEqual(['total', 'ce', 'kd']);
    expect(trace.terms.ce[1]).toBe(0.25);
    expect(trace.terms.total.map((v, i) => [curve[i][0], v])).toEqual(curve);
    expect(trace.gradNorm[2]).toBe(6);
  });

  it('writes null for a non-finite value and for a term a step did not log', () => {
    const h = [
      log(0, 1, 0, Number.POSITIVE_INFINITY),
      { step: 1, lr: 0.1, terms: { total: 2, ce: 2 }, gradNorm: 1 },
    ];
    const { trace } = sampleHistory(h);
    expect(trace.gradNorm).toEqual([null, 1]);
    expect(trace.terms.kd).toEqual([0, null]);
  });
});
