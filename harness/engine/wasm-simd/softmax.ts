import { Code, F32, type Func, I32 } from '../wasm-gemm/emit.ts';
import { EXP_RANGE, exp, expLocals, splatExpConstants } from './expf.ts';
import { colLimits, cols as colLoop, forRows, laneSum } from './loops.ts';

/**
 * The attention softmax of harness/models/transformer.ts as one pass forward and one backward per row of
 * scores (harness/engine/fused-softmax.ts registers them), instead of 3 stock kernels forward (scale, mask,
 * softmax) and 5 backward, each a pass over [B, H, Q, K] floats (BENCHMARKS.md#fused-attention-softmax).
 * Rows run four lanes at a time with the K % 4 tail one float at a time through lane 0 (e^t on a splat).
 */

/** Locals after `first`: i32 and f32 ones by name, and the v128 ones of expLocals. */
function locals(first: number, ints: number, floats: number, vectors: number) {
  const E = expLocals(first, vectors);
  let next = first + E.types.length;
  const i = Array.from({ length: ints }, () => next++);
  const f = Array.from({ length: floats }, () => next++);
  const types = [...E.types, ...new Array(ints).fill(I32), ...new Array(floats).fill(F32)];
  return { E, i, f, types };
}

/** Lane swaps for a reduction across the four lanes: 64-bit halves, then 32-bit neighbours. */
const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

/** v = op over its four lanes, in every lane (two shuffles, no scalar round trip): (a0∘a2)∘(a1∘a3). */
function acrossLanes(c: Code, v: number, op: () => void) {
  c.get(v).get(v).get(v).i8x16Shuffle(SWAP_HALVES);
  op();
  c.tee(v).get(v).get(v).i8x16Shuffle(SWAP_PAIRS);
  op();
  c.set(v);
}

/**
 * maskedSoftmax(s, mask, y, rows, K, Q, HQ, first, scaleBits): `rows` rows of K scores of a [B, H, Q, K]
 * tensor, the first being row `first` of it; row g adds mask row ⌊g / HQ⌋·Q + g mod Q of a [B, 1, Q, K] mask
 * (HQ = H·Q). z = scale·s + mask, y = e^(z − max z) · (1 / Σ e^(z − max z)).
 * Rows are short (K = 64 in training), so the per-row work stays in vectors: the maximum and the sum are
 * reduced across lanes by shuffles, and the mask row advances by counters (q within a head, h within a batch
 * row) instead of a division per row.
 */
export function emitMaskedSoftmax(): Func {
  const [s, mask, y, rows, K, Q, HQ, first, scaleBits] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const { E, i: ints, f: floats, types } = locals(9, 7, 3, 3);
  const [i, rowB, mRow, mBatch, q, h, H] = ints;
  const [sum, tmp, scale] = floats;
  const [scaleV, mxV, accV] = E.more;
  const c = new Code();
  const cols = (body: (v: boolean) => void) => colLoop(c, E.j, E.end4, E.end, body);
  const at = (base: number) => c.get(base).get(E.j).add();
  colLimits(c, K, E.end4, E.end);
  c.get(E.end).set(rowB);
  splatExpConstants(c, E, EXP_RANGE);
  c.get(scaleBits).f32FromBits().tee(scale).f32x4Splat().set(scaleV);
  // Where row `first` sits: batch row ⌊first / HQ⌋, head h, query q; mBatch is that batch row's mask.
  c.get(HQ).get(Q).divU().set(H);
  c.get(mask).get(first).get(HQ).divU().get(Q).mul().get(rowB).mul().add().set(mBatch);
  c.get(first).get(HQ).remU().tee(q).get(Q).divU().set(h);
  c.get(q).get(Q).remU().set(q);
  c.get(mBatch).get(q).get(rowB).mul().add().set(mRow);
  forRows(c, rows, i, [s, y], rowB, () => {
    // z into y, and its maximum (a tail value splatted: the maximum does not mind repeats).
    c.f32(Number.NEGATIVE_INFINITY).f32x4Splat().set(mxV);
    cols((v) => {
      at(y);
      if (v) {
        at(s).v128Load().get(scaleV).f32x4Mul();
        at(mRow).v128Load().f32x4Add().tee(E.x).v128Store();
        c.get(mxV).get(E.x).f32x4Pmax().set(mxV);
      } else {
        at(s).f32Load().get(scale).f32Mul();
        at(mRow).f32Load().f32Add().tee(tmp).f32Store();
        c.get(mxV).get(tmp).f32x4Splat().f32x4Pmax().set(mxV);
      }
    });
    acrossLanes(c, mxV, () => c.f32x4Pmax());
    // e = e^(z − max) into y, and Σ e: vector steps in accV, the tail in sum.
    c.v128Zero().set(accV).f32(0).set(sum);
    cols((v) => {
      at(y);
      at(y);
      if (v) c.v128Load();
      else c.f32Load().f32x4Splat();
      c.get(mxV).f32x4Sub();
      exp(c, E);
      if (v) c.tee(E.x).v128Store().get(accV).get(E.x).f32x4Add().set(accV);
      else c.f32x4ExtractLane(0).tee(tmp).f32Store().get(sum).get(tmp).f32Add().set(sum);
    });
    acrossLanes(c, accV, () => c.f32x4Add());
    // y = e · (1 / Σ), the reciprocal in every lane.
    c.get(E.k.one).get(accV).get(sum).f32x4Splat().f32x4Add().f32x4Div().set(accV);
    cols((v) => {
      at(y);
      if (v) at(y).v128Load().get(accV).f32x4Mul().v128Store();
      else at(y).f32Load().get(accV).f32x4ExtractLane(0).f32Mul().f32Store();
    });
    // Next row's mask: the next query, or the first query of the next head, or of the next batch row.
    c.incBy(mRow, rowB).inc(q, 1);
    c.get(q).get(Q).sub().eqz().if();
    c.i32(0).set(q).inc(h, 1);
    c.get(h).get(H).sub().eqz().if();
    c.i32(0).set(h).get(mBatch).get(Q).get(rowB).mul().add().set(mBatch);
    c.end();
    c.get(mBatch).set(mRow);
    c.end();
  });
  return { name: 'maskedSoftmax', params: 9, locals: types, body: c };
}

/**
 * softmaxGrad(y, dy, ds, rows, K, scaleBits): the gradient of maskedSoftmax with respect to s, per row
 * ds = scale · y · (dy − Σ dy·y).
 */
export function emitSoftmaxGrad(): Func {
  const [y, dy, ds, rows, K, scaleBits] = [0, 1, 2, 3, 4, 5];
  const { E, i: ints, f: floats, types } = locals(6, 2, 2, 3);
  const [i, rowB] = ints;
  const [dot, scale] = floats;
  const [scaleV, dotV, accV] = E.more;
  const c = new Code();
  const cols = (body: (v: boolean) => void) => colLoop(c, E.j, E.end4, E.end, body);
  const at = (base: number) => c.get(base).get(E.j).add();
  colLimits(c, K, E.end4, E.end);
  c.get(E.end).set(rowB);
  c.get(scaleBits).f32FromBits().tee(scale).f32x4Splat().set(scaleV);
  forRows(c, rows, i, [y, dy, ds], rowB, () => {
    c.v128Zero().set(accV).f32(0).set(dot);
    cols((v) => {
      if (v) {
        at(y).v128Load();
        at(dy).v128Load().f32x4Mul().get(accV).f32x4Add().set(accV);
      } else {
        at(y).f32Load();
        at(dy).f32Load().f32Mul().get(dot).f32Add().set(dot);
      }
    });
    laneSum(c, accV);
    c.get(dot).f32Add().tee(dot).f32x4Splat().set(dotV);
    cols((v) => {
      at(ds);
      if (v) {
        at(dy).v128Load().get(dotV).f32x4Sub();
        at(y).v128Load().f32x4Mul().get(scaleV).f32x4Mul().v128Store();
      } else {
        at(dy).f32Load().get(dot).f32Sub();
        at(y).f32Load().f32Mul().get(scale).f32Mul().f32Store();
      }
    });
  });
  return { name: 'softmaxGrad', params: 6, locals: types, body: c };
}
