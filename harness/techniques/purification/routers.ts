import { argmax } from '../../../metrics/distributions.ts';
import { Rng } from '../../engine/rng.ts';
import { cosine } from './embedding.ts';

/** A labeled question: its embedding and which teachers answered it correctly. */
export interface Labeled {
  emb: Float32Array;
  correct: boolean[];
}

/**
 * kNN router: the teacher with the most correct answers on the k most similar pool questions
 * (cosine), ties broken by overall correctness then teacher order. `exclude` drops the query itself.
 */
export function knnRoute(
  queries: Float32Array[],
  pool: Labeled[],
  k: number,
  exclude: (q: number, p: number) => boolean = () => false,
): number[] {
  const n = pool[0]?.correct.length ?? 0;
  const overall = new Array<number>(n).fill(0);
  for (const p of pool) p.correct.forEach((c, i) => (overall[i] += c ? 1 : 0));
  return queries.map((eq, q) => {
    const sims = pool
      .map((p, j) => ({ j, s: exclude(q, j) ? -Infinity : cosine(eq, p.emb) }))
      .filter((x) => x.s > -Infinity)
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, k);
    const votes = overall.map((o) => o * 1e-6);
    for (const { j } of sims) pool[j].correct.forEach((c, i) => (votes[i] += c ? 1 : 0));
    return argmax(votes);
  });
}

/** Two-layer MLP (d → h ReLU → n sigmoid) trained with multi-label BCE and Adam, in plain JS. */
export class MlpRouter {
  private readonly w1: Float64Array;
  private readonly b1: Float64Array;
  private readonly w2: Float64Array;
  private readonly b2: Float64Array;
  constructor(
    readonly d: number,
    readonly h: number,
    readonly n: number,
    seed: number | string,
  ) {
    const rng = new Rng(`mlp-router:${seed}`);
    const init = (size: number, fan: number) =>
      Float64Array.from({ length: size }, () => (rng.next() * 2 - 1) * Math.sqrt(6 / fan));
    this.w1 = init(d * h, d + h);
    this.b1 = new Float64Array(h);
    this.w2 = init(h * n, h + n);
    this.b2 = new Float64Array(n);
  }

  private hidden(x: ArrayLike<number>): Float64Array {
    const a = Float64Array.from(this.b1);
    for (let i = 0; i < this.d; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let j = 0; j < this.h; j++) a[j] += xi * this.w1[i * this.h + j];
    }
    return a.map((v) => Math.max(0, v));
  }

  /** Probability that each teacher is correct on x. */
  predict(x: ArrayLike<number>): number[] {
    const a = this.hidden(x);
    return Array.from({ length: this.n }, (_, t) => {
      let z = this.b2[t];
      for (let j = 0; j < this.h; j++) z += a[j] * this.w2[j * this.n + t];
      return 1 / (1 + Math.exp(-z));
    });
  }

  /** Full-batch Adam on mean BCE; returns the final loss. */
  fit(data: Labeled[], opts: { epochs?: number; lr?: number } = {}): number {
    const params = [this.w1, this.b1, this.w2, this.b2];
    const m = params.map((p) => new Float64Array(p.length));
    const v = params.map((p) => new Float64Array(p.length));
    const lr = opts.lr ?? 0.01;
    let loss = 0;
    for (let ep = 1; ep <= (opts.epochs ?? 200); ep++) {
      const grads = params.map((p) => new Float64Array(p.length));
      loss = 0;
      for (const ex of data) {
        const a = this.hidden(ex.emb);
        const p = this.predict(ex.emb);
        const dz = p.map((pi, t) => {
          const y = ex.correct[t] ? 1 : 0;
          loss -= y * Math.log(pi + 1e-9) + (1 - y) * Math.log(1 - pi + 1e-9);
          return (pi - y) / (data.length * this.n);
        });
        const da = new Float64Array(this.h);
        for (let j = 0; j < this.h; j++) {
          for (let t = 0; t < this.n; t++) {
            grads[2][j * this.n + t] += a[j] * dz[t];
            if (a[j] > 0) da[j] += this.w2[j * this.n + t] * dz[t];
          }
        }
        dz.forEach((g, t) => (grads[3][t] += g));
        for (let i = 0; i < this.d; i++) {
          const xi = ex.emb[i];
          if (xi === 0) continue;
          for (let j = 0; j < this.h; j++) grads[0][i * this.h + j] += xi * da[j];
        }
        da.forEach((g, j) => (grads[1][j] += g));
      }
      loss /= data.length * this.n;
      params.forEach((p, k) => {
        for (let i = 0; i < p.length; i++) {
          m[k][i] = 0.9 * m[k][i] + 0.1 * grads[k][i];
          v[k][i] = 0.999 * v[k][i] + 0.001 * grads[k][i] ** 2;
          const mh = m[k][i] / (1 - 0.9 ** ep);
          const vh = v[k][i] / (1 - 0.999 ** ep);
          p[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
        }
      });
    }
    return loss;
  }

  route(x: ArrayLike<number>): number {
    return argmax(this.predict(x));
  }
}
