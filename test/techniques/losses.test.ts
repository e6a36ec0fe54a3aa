import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../harness/engine/backend.ts';
import { tf } from '../../harness/engine/tf.ts';
import { divergence } from '../../harness/training/losses.ts';

beforeAll(async () => {
  await loadBackend({ backend: 'cpu' });
});

// 2 positions, 3 symbols. Logits chosen so the probabilities are easy to write down.
const teacher = [
  [Math.log(0.7), Math.log(0.2), Math.log(0.1)],
  [Math.log(0.1), Math.log(0.1), Math.log(0.8)],
];
const student = [
  [Math.log(0.5), Math.log(0.3), Math.log(0.2)],
  [Math.log(0.2), Math.log(0.2), Math.log(0.6)],
];
const P = teacher.map((r) => r.map(Math.exp));
const Q = student.map((r) => r.map(Math.exp));
const kl = (p: number[], q: number[]) => p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]), 0);
// By hand: KL(P1‖Q1) = .7ln(.7/.5)+.2ln(.2/.3)+.1ln(.1/.2) = .235532-.081093-.069315 = .085124
//          KL(P2‖Q2) = .1ln(.5)+.1ln(.5)+.8ln(.8/.6) = -.138629+.230146 = .091517
const FORWARD = (0.085124 + 0.091517) / 2;

const run = (opts: Parameters<typeof divergence>[3], mask = [1, 1]) =>
  tf.tidy(
    () => divergence(tf.tensor2d(teacher), tf.tensor2d(student), tf.tensor1d(mask), opts).dataSync()[0],
  );

describe('distillation losses on a 2-token, 3-symbol example', () => {
  it('forward KL equals the hand-computed mean', () => {
    expect(run({ kind: 'forward-kl', temperature: 1 })).toBeCloseTo(FORWARD, 5);
  });

  it('reverse KL equals KL(Q‖P)', () => {
    const want = (kl(Q[0], P[0]) + kl(Q[1], P[1])) / 2;
    expect(run({ kind: 'reverse-kl', temperature: 1 })).toBeCloseTo(want, 5);
  });

  it('JSD(beta) matches TRL: beta 0 -> forward KL, 1 -> reverse KL, 0.5 -> the symmetric JSD', () => {
    expect(run({ kind: 'jsd', beta: 0, temperature: 1 })).toBeCloseTo(FORWARD, 5);
    expect(run({ kind: 'jsd', beta: 1, temperature: 1 })).toBeCloseTo(
      (kl(Q[0], P[0]) + kl(Q[1], P[1])) / 2,
      5,
    );
    const jsd = (p: number[], q: number[]) => {
      const m = p.map((pi, i) => 0.5 * pi + 0.5 * q[i]);
      return 0.5 * kl(p, m) + 0.5 * kl(q, m);
    };
    expect(run({ kind: 'jsd', beta: 0.5, temperature: 1 })).toBeCloseTo(
      (jsd(P[0], Q[0]) + jsd(P[1], Q[1])) / 2,
      5,
    );
  });

  it('divides logits by T and scales by T^2', () => {
    const soft = (r: number[], T: number) => {
      const e = r.map((x) => Math.exp(x / T));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    const want =
      (4 * (kl(soft(teacher[0], 2), soft(student[0], 2)) + kl(soft(teacher[1], 2), soft(student[1], 2)))) / 2;
    expect(run({ kind: 'forward-kl', temperature: 2, scaleByT2: true })).toBeCloseTo(want, 5);
  });

  it('averages only over masked-in positions', () => {
    expect(run({ kind: 'forward-kl', temperature: 1 }, [0, 1])).toBeCloseTo(0.091517, 5);
  });

  it('soft-label KD gradient matches finite differences', () => {
    const loss = (s: tf.Tensor2D) =>
      divergence(tf.tensor2d(teacher), s, tf.tensor1d([1, 1]), {
        kind: 'forward-kl',
        temperature: 2,
        scaleByT2: true,
      });
    const g = tf
      .grad((s: tf.Tensor) => loss(s as tf.Tensor2D))(tf.tensor2d(student))
      .arraySync() as number[][];
    const h = 1e-3;
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 3; c++) {
        const plus = student.map((row) => [...row]);
        const minus = student.map((row) => [...row]);
        plus[r][c] += h;
        minus[r][c] -= h;
        const fd = (loss(tf.tensor2d(plus)).dataSync()[0] - loss(tf.tensor2d(minus)).dataSync()[0]) / (2 * h);
        expect(g[r][c]).toBeCloseTo(fd, 3);
      }
    }
  });
});
