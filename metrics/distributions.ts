/**
 * Divergences between next-token distributions given as plain arrays, shared by RSE (student vs
 * teacher) and knowledge conflict (teacher vs teacher). Natural log throughout: JSD lies in [0, ln 2].
 */

export type Dist = ArrayLike<number>;

/**
 * Rescales to sum 1: distributions arrive as exp(float32 log-probs), whose sums are off by ~1e-7,
 * enough to make a divergence of identical rows slightly nonzero or negative.
 */
function normalizer(p: Dist): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0)) throw new RangeError(`probabilities must be >= 0 (index ${i} is ${p[i]})`);
    s += p[i];
  }
  if (!(s > 0)) throw new RangeError('a probability vector sums to 0');
  return 1 / s;
}

/** Jensen-Shannon divergence in nats: ½KL(P‖M) + ½KL(Q‖M), M = (P+Q)/2; 0·log 0 = 0. */
export function jsDivergence(p: Dist, q: Dist): number {
  if (p.length !== q.length)
    throw new RangeError(`distributions differ in size (${p.length} vs ${q.length})`);
  const zp = normalizer(p);
  const zq = normalizer(q);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] * zp;
    const b = q[i] * zq;
    // a/m written as 2a/(a+b): halving a subnormal sum underflows m to 0 and a/m to Infinity.
    const sum = a + b;
    if (a > 0) s += a * Math.log((2 * a) / sum);
    if (b > 0) s += b * Math.log((2 * b) / sum);
  }
  // Rounding can leave -1e-17 for identical rows.
  return Math.max(0, s / 2);
}

/** Index of the largest probability; ties go to the lowest index (what a greedy decoder's argmax does). */
export function argmax(p: Dist): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Rows of probabilities from a row-major [positions × vocab] array of log-probabilities. */
export function probRowsFromLogProbs(flat: ArrayLike<number>, vocab: number): number[][] {
  if (flat.length % vocab !== 0)
    throw new RangeError(`log-prob array of ${flat.length} is not a multiple of vocab ${vocab}`);
  const rows: number[][] = [];
  for (let r = 0; r < flat.length / vocab; r++) {
    const row = new Array<number>(vocab);
    for (let v = 0; v < vocab; v++) row[v] = Math.exp(flat[r * vocab + v]);
    rows.push(row);
  }
  return rows;
}
