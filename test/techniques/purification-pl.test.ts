import { describe, expect, it } from 'vitest';
import {
  fitPlackettLuce,
  plGradient,
  plLogLikelihood,
  plRoute,
  similarityWeight,
} from '../../harness/techniques/purification/plackett-luce.ts';

describe('Plackett-Luce', () => {
  it('log-likelihood matches the hand computation for 3 teachers', () => {
    // ξ = (1, 0, −1), ranking (0, 1, 2):
    //   stage 1: ξ0 − log(e^1 + e^0 + e^−1) = 1 − log(4.086161) = −0.407606
    //   stage 2: ξ1 − log(e^0 + e^−1)       = 0 − log(1.367879) = −0.313262
    //   stage 3: ξ2 − log(e^−1)             = 0
    //   total −0.720868
    expect(plLogLikelihood([0, 1, 2], [1, 0, -1])).toBeCloseTo(-0.720868, 5);
    // ranking (2, 0, 1): (−1 − 1.407606) + (1 − log(e + 1) = −0.313262) = −2.720868
    expect(plLogLikelihood([2, 0, 1], [1, 0, -1])).toBeCloseTo(-2.720868, 5);
  });

  it('gradient agrees with finite differences of the likelihood', () => {
    const rankings = [
      [0, 1, 2],
      [2, 0, 1],
      [1, 2, 0],
    ];
    const w = [2, 1, 0.5];
    const xi = [0.3, -0.2, 0.1];
    const ll = (x: number[]) => rankings.reduce((s, pi, k) => s + w[k] * plLogLikelihood(pi, x), 0);
    const g = plGradient(rankings, w, 3, xi);
    for (let i = 0; i < 3; i++) {
      const up = [...xi];
      const dn = [...xi];
      up[i] += 1e-5;
      dn[i] -= 1e-5;
      expect(g[i]).toBeCloseTo((ll(up) - ll(dn)) / 2e-5, 4);
    }
  });

  it('fit reaches the hand-derived maximum of a 3-teacher example', () => {
    // Rankings A>B>C, B>A>C, C>A>B, C>B>A, weight 1 each. A and B are symmetric, so ξ = (x, x, y);
    // with d = x − y and u = e^d the log-likelihood is 4d − 4·log(2u + 1) − 2·log(u + 1) + const.
    // d/dd = 4 − 8u/(2u+1) − 2u/(u+1) = 0  ⇔  2u² − u − 2 = 0  ⇔  u = (1 + √17)/4 = 1.280776,
    // d = ln u = 0.247466; centred (2x + y = 0): x = d/3 = 0.082489, y = −2d/3 = −0.164978.
    const rankings = [
      [0, 1, 2],
      [1, 0, 2],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const xi = fitPlackettLuce(rankings, [1, 1, 1, 1], 3, { steps: 500, l2: 0 });
    expect(xi[0]).toBeCloseTo(0.082489, 4);
    expect(xi[1]).toBeCloseTo(0.082489, 4);
    expect(xi[2]).toBeCloseTo(-0.164978, 4);
    // Duplicated rankings act like summed weights: doubling everything leaves the maximum in place.
    const twice = fitPlackettLuce([...rankings, ...rankings], new Array(8).fill(0.5), 3, {
      steps: 500,
      l2: 0,
    });
    expect(twice[2]).toBeCloseTo(-0.164978, 4);
  });

  it('similarity weight is gamma^(1+cos)', () => {
    // cos = 1 → 10² = 100; cos = 0 → 10¹ = 10; cos = 0.5 → 10^1.5 = 31.6228
    expect(similarityWeight(10, [1, 0], [2, 0])).toBeCloseTo(100, 8);
    expect(similarityWeight(10, [1, 0], [0, 3])).toBeCloseTo(10, 8);
    expect(similarityWeight(10, [1, 0], [1, Math.sqrt(3)])).toBeCloseTo(31.6228, 3);
  });

  it('routes each query to the teacher ranked first on similar questions', () => {
    // Two kinds of question (embedding axes x and y); teacher 0 wins on x-questions, teacher 2 on y.
    const pool = [
      ...Array.from({ length: 5 }, () => ({ emb: [1, 0.1], ranking: [0, 1, 2] })),
      ...Array.from({ length: 5 }, () => ({ emb: [0.1, 1], ranking: [2, 1, 0] })),
    ];
    const { choice } = plRoute(
      [
        [1, 0],
        [0, 1],
        [0.9, 0.2],
      ],
      pool,
      3,
      100,
    );
    expect(choice).toEqual([0, 2, 0]);
  });
});
