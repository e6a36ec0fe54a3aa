/**
 * Linear CKA (Kornblith et al., ICML 2019) and its debiased form (unbiased HSIC, Song et al. 2012)
 * between student and teacher hidden states at the same token positions, in float64 plain JS.
 *
 * Both are computed from the same few sums so that one code path serves both and the n×n Gram
 * matrix is only built when it is the cheaper side (p > n). With K = XXᵀ, L = YYᵀ (X, Y centered):
 *   linear CKA = tr(KL) / sqrt(tr(KK) tr(LL)), with tr(KL) = ‖YᵀX‖²_F in feature space;
 *   HSIC_u(K,L) = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((n-1)(n-2)) - 2/(n-2)·1ᵀK̃L̃1] / (n(n-3)), K̃ = K with 0 diagonal,
 * where tr(K̃L̃) = tr(KL) - Σ k_ii l_ii and 1ᵀK̃L̃1 = Σ_i (r_i - k_ii)(s_i - l_ii), r and s the row sums.
 * HSIC_u is translation invariant, so centering the columns first changes nothing but rounding.
 */
import { Rng } from '../harness/engine/rng.ts';
import type { MetricValue } from './types.ts';

/**
 * Rows (positions) CKA uses at most, sampled without replacement by a seeded shuffle: the debiased
 * estimator holds n×n Gram matrices, so runs cap n. Runs, the registry and `metric cka` share it, so
 * every signature they write agrees.
 */
export const CKA_MAX_ROWS = 2048;

export type Rows = readonly ArrayLike<number>[];

export interface CkaOptions {
  /** At most this many rows (positions) are used, drawn without replacement by a seeded Rng. */
  maxRows?: number;
  seed?: number;
}

interface KernelSums {
  n: number;
  trKL: number;
  trKK: number;
  trLL: number;
  /** 1ᵀK̃1, 1ᵀL̃1 */
  offK: number;
  offL: number;
  /** Σ k_ii l_ii, Σ k_ii², Σ l_ii² */
  diagKL: number;
  diagKK: number;
  diagLL: number;
  /** 1ᵀK̃L̃1, 1ᵀK̃K̃1, 1ᵀL̃L̃1 */
  rowKL: number;
  rowKK: number;
  rowLL: number;
}

function centered(rows: Rows, idx: readonly number[]): number[][] {
  const p = rows[idx[0]].length;
  const mu = new Array<number>(p).fill(0);
  for (const i of idx) {
    if (rows[i].length !== p) throw new RangeError(`row ${i} has ${rows[i].length} columns, expected ${p}`);
    for (let j = 0; j < p; j++) mu[j] += rows[i][j];
  }
  for (let j = 0; j < p; j++) mu[j] /= idx.length;
  return idx.map((i) => Array.from({ length: p }, (_, j) => rows[i][j] - mu[j]));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Σ_ij (AᵀB)_ij² without forming a matrix per row: accumulate AᵀB then square. O(n·pa·pb). */
function crossFrobenius2(A: number[][], B: number[][]): number {
  const pa = A[0].length;
  const pb = B[0].length;
  const m = new Float64Array(pa * pb);
  for (let r = 0; r < A.length; r++) {
    const a = A[r];
    const b = B[r];
    for (let i = 0; i < pa; i++) {
      const ai = a[i];
      if (ai === 0) continue;
      const off = i * pb;
      for (let j = 0; j < pb; j++) m[off + j] += ai * b[j];
    }
  }
  let s = 0;
  for (let k = 0; k < m.length; k++) s += m[k] * m[k];
  return s;
}

/** Row sums of K = XXᵀ without K: r_i = x_i · Σ_j x_j. */
function rowSums(X: number[][]): number[] {
  const total = new Array<number>(X[0].length).fill(0);
  for (const x of X) for (let j = 0; j < x.length; j++) total[j] += x[j];
  return X.map((x) => dot(x, total));
}

function gram(X: number[][]): Float64Array {
  const n = X.length;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = dot(X[i], X[j]);
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

function kernelSums(X: number[][], Y: number[][]): KernelSums {
  const n = X.length;
  const p1 = X[0].length;
  const p2 = Y[0].length;
  let trKL: number;
  let trKK: number;
  let trLL: number;
  let r: number[];
  let s: number[];
  if (p1 * p1 + p2 * p2 + p1 * p2 <= 3 * n * n) {
    trKL = crossFrobenius2(X, Y);
    trKK = crossFrobenius2(X, X);
    trLL = crossFrobenius2(Y, Y);
    r = rowSums(X);
    s = rowSums(Y);
  } else {
    const K = gram(X);
    const L = gram(Y);
    trKL = 0;
    trKK = 0;
    trLL = 0;
    for (let k = 0; k < n * n; k++) {
      trKL += K[k] * L[k];
      trKK += K[k] * K[k];
      trLL += L[k] * L[k];
    }
    r = Array.from({ length: n }, (_, i) => K.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0));
    s = Array.from({ length: n }, (_, i) => L.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0));
  }
  const out: KernelSums = {
    n,
    trKL,
    trKK,
    trLL,
    offK: 0,
    offL: 0,
    diagKL: 0,
    diagKK: 0,
    diagLL: 0,
    rowKL: 0,
    rowKK: 0,
    rowLL: 0,
  };
  for (let i = 0; i < n; i++) {
    const k = dot(X[i], X[i]);
    const l = dot(Y[i], Y[i]);
    out.offK += r[i] - k;
    out.offL += s[i] - l;
    out.diagKL += k * l;
    out.diagKK += k * k;
    out.diagLL += l * l;
    out.rowKL += (r[i] - k) * (s[i] - l);
    out.rowKK += (r[i] - k) ** 2;
    out.rowLL += (s[i] - l) ** 2;
  }
  return out;
}

/** n(n-3)·HSIC_u; the common factor cancels in the CKA ratio. */
function scaledHsicU(n: number, tr: number, diag: number, offA: number, offB: number, row: number): number {
  return tr - diag + (offA * offB) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * row;
}

function sampleIndices(n: number, opts: CkaOptions): number[] {
  const maxRows = opts.maxRows ?? CKA_MAX_ROWS;
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= maxRows) return all;
  // Partial Fisher-Yates: the first maxRows entries are a uniform sample without replacement.
  const rng = new Rng(opts.seed ?? 0);
  for (let i = 0; i < maxRows; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, maxRows).sort((a, b) => a - b);
}

function prepare(X: Rows, Y: Rows, opts: CkaOptions, minRows: number): { sums: KernelSums; n: number } {
  if (X.length !== Y.length)
    throw new RangeError(`CKA needs the same positions: X has ${X.length} rows, Y has ${Y.length}`);
  if (X.length < minRows) throw new RangeError(`CKA needs at least ${minRows} rows, got ${X.length}`);
  const idx = sampleIndices(X.length, opts);
  return { sums: kernelSums(centered(X, idx), centered(Y, idx)), n: idx.length };
}

function linearFromSums(k: KernelSums): number {
  return k.trKL / Math.sqrt(k.trKK * k.trLL);
}

function debiasedFromSums(k: KernelSums): number {
  const kl = scaledHsicU(k.n, k.trKL, k.diagKL, k.offK, k.offL, k.rowKL);
  const kk = scaledHsicU(k.n, k.trKK, k.diagKK, k.offK, k.offK, k.rowKK);
  const ll = scaledHsicU(k.n, k.trLL, k.diagLL, k.offL, k.offL, k.rowLL);
  return kl / Math.sqrt(kk * ll);
}

/** Linear CKA in [0, 1]; NaN when either side is constant over the rows (no variance to compare). */
export function linearCka(X: Rows, Y: Rows, opts: CkaOptions = {}): number {
  return linearFromSums(prepare(X, Y, opts, 2).sums);
}

/** Debiased linear CKA (needs n >= 4); can be slightly negative for unrelated representations. */
export function debiasedLinearCka(X: Rows, Y: Rows, opts: CkaOptions = {}): number {
  return debiasedFromSums(prepare(X, Y, opts, 4).sums);
}

/** The row count is data-dependent, so it goes in `detail`, not here (seeds of a run must match). */
export function ckaSignature(debiased: boolean, opts: CkaOptions = {}): string {
  return `cka|linear|debiased:${debiased ? 1 : 0}|maxRows:${opts.maxRows ?? CKA_MAX_ROWS}|seed:${opts.seed ?? 0}`;
}

/** Both CKA values with their signatures (one pass over the rows; debiased only from 4 rows). */
export function ckaValues(X: Rows, Y: Rows, opts: CkaOptions = {}): MetricValue[] {
  const { sums, n } = prepare(X, Y, opts, 2);
  const detail = { rows: n };
  const out: MetricValue[] = [
    { metric: 'cka', value: linearFromSums(sums), signature: ckaSignature(false, opts), detail },
  ];
  if (n >= 4) {
    out.push({
      metric: 'cka-debiased',
      value: debiasedFromSums(sums),
      signature: ckaSignature(true, opts),
      detail,
    });
  }
  return out;
}

/** Rows of a row-major [positions × dim] array (what teacher-forced hidden states come as). */
export function rowsFromFlat(flat: ArrayLike<number>, dim: number): number[][] {
  if (flat.length % dim !== 0)
    throw new RangeError(`array of ${flat.length} is not a multiple of dim ${dim}`);
  return Array.from({ length: flat.length / dim }, (_, r) =>
    Array.from({ length: dim }, (_, j) => flat[r * dim + j]),
  );
}
