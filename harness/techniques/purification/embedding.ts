/**
 * The question/rationale embedding E(·) shared by the purification methods: a hashed bag of
 * character n-grams (n = 1..3, FNV-1a hash into 256 buckets), L2-normalized. Deterministic and
 * training-free: the small-scale stand-in for the paper's mDeBERTa encoder. Two questions that share
 * digits and operators get a high cosine, which is what the routers' similarity needs.
 */
export const EMBED_DIM = 256;
const MAX_N = 3;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function embed(text: string, dim = EMBED_DIM): Float32Array {
  const v = new Float32Array(dim);
  for (let n = 1; n <= MAX_N; n++) {
    for (let i = 0; i + n <= text.length; i++) v[fnv1a(`${n}:${text.slice(i, i + n)}`) % dim] += 1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) v[i] /= norm;
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.sqrt(dot(a, a) * dot(b, b));
  return d > 0 ? dot(a, b) / d : 0;
}
