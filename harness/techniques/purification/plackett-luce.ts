import { argmax } from '../../../metrics/distributions.ts';
import { cosine } from './embedding.ts';

/**
 * Plackett-Luce log-likelihood of a ranking π (teacher indices, best first) under scores ξ:
 * log PL(π|ξ) = Σ_m [ ξ_{π(m)} − log Σ_{l≥m} e^{ξ_{π(l)}} ].
 */
export function plLogLikelihood(ranking: number[], xi: ArrayLike<number>): number {
  let ll = 0;
  for (let m = 0; m < ranking.length; m++) {
    let mx = -Infinity;
    for (let l = m; l < ranking.length; l++) mx = Math.max(mx, xi[ranking[l]]);
    let s = 0;
    for (let l = m; l < ranking.length; l++) s += Math.exp(xi[ranking[l]] - mx);
    ll += xi[ranking[m]] - (mx + Math.log(s));
  }
  return ll;
}

/** Gradient of Σ_k w_k log PL(π_k|ξ) with respect to ξ. */
export function plGradient(
  rankings: number[][],
  weights: number[],
  n: number,
  xi: ArrayLike<number>,
): Float64Array {
  const g = new Float64Array(n);
  rankings.forEach((pi, k) => {
    const w = weights[k];
    for (let m = 0; m < pi.length; m++) {
      let z = 0;
      for (let l = m; l < pi.length; l++) z += Math.exp(xi[pi[l]]);
      g[pi[m]] += w;
      for (let l = m; l < pi.length; l++) g[pi[l]] -= (w * Math.exp(xi[pi[l]])) / z;
    }
  });
  return g;
}

/**
 * Fits ξ maximizing the weighted PL log-likelihood by gradient ascent (the objective is concave; ξ is
 * identified up to a constant, so it is re-centred each step, and a small L2 term keeps it finite when
 * one teacher always wins). Identical rankings are merged first: with n teachers there are at most n!
 * distinct ones, so a fit costs O(n!·n²·steps) however large the pool.
 */
export function fitPlackettLuce(
  rankings: number[][],
  weights: number[],
  n: number,
  opts: { steps?: number; lr?: number; l2?: number } = {},
): Float64Array {
  const merged = new Map<string, { pi: number[]; w: number }>();
  rankings.forEach((pi, k) => {
    const key = pi.join(',');
    const m = merged.get(key);
    if (m) m.w += weights[k];
    else merged.set(key, { pi, w: weights[k] });
  });
  const pis = [...merged.values()].map((m) => m.pi);
  const ws = [...merged.values()].map((m) => m.w);
  const xi = new Float64Array(n);
  const steps = opts.steps ?? 200;
  const l2 = opts.l2 ?? 1e-3;
  const total = ws.reduce((a, b) => a + b, 0) || 1;
  // Normalizing by the total weight makes the step size independent of pool size and of γ.
  const lr = (opts.lr ?? 0.5) / total;
  for (let s = 0; s < steps; s++) {
    const g = plGradient(pis, ws, n, xi);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      xi[i] += lr * (g[i] - l2 * total * xi[i]);
      mean += xi[i] / n;
    }
    for (let i = 0; i < n; i++) xi[i] -= mean;
  }
  return xi;
}

/** RouteLLM-style similarity weight ω' = γ^(1 + cos(e_q, e_k)). */
export function similarityWeight(gamma: number, eq: ArrayLike<number>, ek: ArrayLike<number>): number {
  return gamma ** (1 + cosine(eq, ek));
}

/**
 * Routes each query to argmax ξ(q), ξ fitted on the pool's rankings weighted by similarity to q.
 * `exclude[q]` (leave-one-out) drops a pool item that is the query itself.
 */
export function plRoute(
  queries: ArrayLike<number>[],
  pool: { emb: ArrayLike<number>; ranking: number[] }[],
  n: number,
  gamma: number,
  exclude: (q: number, k: number) => boolean = () => false,
  fit: { steps?: number; lr?: number } = {},
): { choice: number[]; xi: Float64Array[] } {
  const choice: number[] = [];
  const xis: Float64Array[] = [];
  queries.forEach((eq, q) => {
    const items = pool.filter((_, k) => !exclude(q, k));
    const xi = fitPlackettLuce(
      items.map((p) => p.ranking),
      items.map((p) => similarityWeight(gamma, eq, p.emb)),
      n,
      fit,
    );
    xis.push(xi);
    choice.push(argmax(xi));
  });
  return { choice, xi: xis };
}
